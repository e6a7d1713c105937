package org.mmproto.core.plugin;

import com.google.inject.Injector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.pf4j.PluginWrapper;

/**
 * What {@link DriverPlugins#load} found in a plugins directory: every jar with its state, its
 * extensions or why it failed. Holds the plugins' class loaders open until {@link #close()}.
 */
public final class PluginCatalog implements AutoCloseable {
    private final Path directory;
    private final String systemVersion;
    private final List<PluginInfo> plugins;
    private final MmprotoPluginManager manager;
    private final Map<String, Set<Class<?>>> extensionClasses;
    private boolean closed;

    PluginCatalog(Path directory, String systemVersion, List<PluginInfo> plugins, MmprotoPluginManager manager,
            Map<String, Set<Class<?>>> extensionClasses) {
        this.directory = directory;
        this.systemVersion = systemVersion;
        this.plugins = List.copyOf(plugins);
        this.manager = manager;
        this.extensionClasses = Map.copyOf(extensionClasses);
    }

    /** A catalog without plugins (a run that loads none). */
    public static PluginCatalog empty() {
        return new PluginCatalog(null, FrameworkVersion.systemVersion(), List.of(), null, Map.of());
    }

    /** The directory the jars came from; null for {@link #empty()}. */
    public Path directory() {
        return directory;
    }

    /** The version {@code Plugin-Requires} was checked against. */
    public String systemVersion() {
        return systemVersion;
    }

    /** Every jar, ordered by file name. */
    public List<PluginInfo> plugins() {
        return plugins;
    }

    public List<PluginInfo> started() {
        return plugins.stream().filter(PluginInfo::started).toList();
    }

    public List<PluginInfo> failed() {
        return plugins.stream().filter(PluginInfo::failed).toList();
    }

    public Optional<PluginInfo> plugin(String id) {
        return plugins.stream().filter(p -> id.equals(p.id()) && !p.failed()).findFirst();
    }

    /** The driver extensions of all started plugins. */
    public List<DriverExtension> drivers() {
        List<DriverExtension> out = new ArrayList<>();
        for (PluginInfo p : started()) {
            out.addAll(p.drivers());
        }
        return out;
    }

    /** A driver by its {@link DriverExtension#id()} or class name. */
    public Optional<DriverExtension> driver(String id) {
        return drivers().stream().filter(d -> d.id().equals(id) || d.className().equals(id)).findFirst();
    }

    /** The design extensions of all started plugins. */
    public List<DesignExtension> designs() {
        List<DesignExtension> out = new ArrayList<>();
        for (PluginInfo p : started()) {
            out.addAll(p.designs());
        }
        return out;
    }

    /** The class loader of a started plugin. */
    public Optional<ClassLoader> classLoader(String pluginId) {
        if (manager == null || plugin(pluginId).filter(PluginInfo::started).isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(manager.getPluginClassLoader(pluginId));
    }

    /**
     * A Guice-backed extension factory whose per-plugin child injectors hang off {@code parent}
     * (a run's injector), with every extension class of the started plugins registered.
     */
    public GuiceExtensionFactory extensionFactory(Injector parent) {
        Objects.requireNonNull(parent, "parent");
        if (manager == null) {
            return GuiceExtensionFactory.hostOnly(parent);
        }
        GuiceExtensionFactory f = new GuiceExtensionFactory(parent, manager);
        extensionClasses.forEach(f::register);
        // Not a state listener: a run's factory lives as long as the run; it checks plugin states on create().
        return f;
    }

    /** Stops and unloads the plugins and closes their class loaders; instances already made keep working. */
    @Override
    public synchronized void close() {
        if (closed || manager == null) {
            closed = true;
            return;
        }
        closed = true;
        for (PluginWrapper w : new ArrayList<>(manager.getPlugins())) {
            manager.unloadPlugin(w.getPluginId());
        }
    }
}
