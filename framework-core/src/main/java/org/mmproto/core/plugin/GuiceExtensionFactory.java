package org.mmproto.core.plugin;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.ExtensionFactory;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginManager;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginStateEvent;
import org.pf4j.PluginStateListener;
import org.pf4j.PluginWrapper;

/**
 * A PF4J {@link ExtensionFactory} backed by Guice. Each plugin gets one child injector of the
 * parent (the run's injector, or the loader's host injector) in which its extension classes are
 * bound explicitly, so that Guice keeps their bindings (and the plugin's class loader) in the
 * child rather than making just-in-time bindings in the parent. An extension may
 * {@code @jakarta.inject.Inject} a constructor taking the API services the parent binds
 * ({@link HostModule}). Every {@link #create} returns a new instance unless the extension class
 * is annotated {@code @Singleton} (then one per child injector). A class on the host class path
 * (a system extension) is created by the parent itself.
 */
public final class GuiceExtensionFactory implements ExtensionFactory, PluginStateListener {
    private final Injector parent;
    private final PluginManager plugins;
    private final Map<String, Set<Class<?>>> extensionClasses = new ConcurrentHashMap<>();
    private final Map<String, Injector> children = new ConcurrentHashMap<>();

    public GuiceExtensionFactory(Injector parent, PluginManager plugins) {
        this.parent = Objects.requireNonNull(parent, "parent");
        this.plugins = Objects.requireNonNull(plugins, "plugins");
    }

    private GuiceExtensionFactory(Injector parent) {
        this.parent = Objects.requireNonNull(parent, "parent");
        this.plugins = null;
    }

    /** A factory without plugins: every class is created by {@code parent}. */
    public static GuiceExtensionFactory hostOnly(Injector parent) {
        return new GuiceExtensionFactory(parent);
    }

    /** Declares the extension classes of a plugin; they are bound in its child injector. */
    public void register(String pluginId, Collection<? extends Class<?>> classes) {
        extensionClasses.computeIfAbsent(pluginId, id -> ConcurrentHashMap.newKeySet()).addAll(classes);
        children.remove(pluginId);
    }

    /**
     * Creates an instance of an extension class. Guice errors (a constructor needing something the
     * host does not bind, a throwing constructor) come out as {@link PluginRuntimeException} with
     * Guice's first message.
     */
    @Override
    public <T> T create(Class<T> extensionClass) {
        try {
            PluginWrapper plugin = plugins == null ? null : plugins.whichPlugin(extensionClass);
            if (plugin == null) {
                if (extensionClass.getClassLoader() instanceof PluginClassLoader) {
                    // Never let the parent make a just-in-time binding that would pin a dropped plugin's loader.
                    throw new PluginRuntimeException("cannot create {}: its plugin is no longer loaded", extensionClass.getName());
                }
                return parent.getInstance(extensionClass);
            }
            if (!plugin.getPluginState().isStarted()) {
                throw new PluginRuntimeException("cannot create {}: plugin '{}' is {}", extensionClass.getName(),
                        plugin.getPluginId(), plugin.getPluginState());
            }
            String id = plugin.getPluginId();
            Set<Class<?>> bound = extensionClasses.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet());
            if (bound.add(extensionClass)) {
                children.remove(id);
            }
            // the framework's work, not the driver's: not charged to a lane's budget (R3.3)
            Injector child = children.computeIfAbsent(id, k -> org.mmproto.core.hooks.Containment.unbudgeted(
                    () -> parent.createChildInjector(binder -> {
                        for (Class<?> c : new LinkedHashSet<>(bound)) {
                            binder.bind(c);
                        }
                    })));
            return child.getInstance(extensionClass);
        } catch (CreationException e) {
            throw failure(extensionClass, e.getErrorMessages(), e);
        } catch (ConfigurationException e) {
            throw failure(extensionClass, e.getErrorMessages(), e);
        } catch (ProvisionException e) {
            throw failure(extensionClass, e.getErrorMessages(), e);
        }
    }

    /** Drops a plugin's child injector when the plugin leaves STARTED (it must not pin the class loader). */
    @Override
    public void pluginStateChanged(PluginStateEvent event) {
        if (!event.getPluginState().isStarted()) {
            String id = event.getPlugin().getPluginId();
            children.remove(id);
            extensionClasses.remove(id);
        }
    }

    private static PluginRuntimeException failure(Class<?> type, Collection<Message> messages, RuntimeException e) {
        String first = messages.isEmpty() ? String.valueOf(e.getMessage()) : messages.iterator().next().getMessage();
        Throwable cause = e.getCause();
        String why = first.lines().findFirst().orElse(first).strip();
        if (cause != null && cause != e && !why.contains(String.valueOf(cause.getMessage()))) {
            why += " (" + cause + ")";
        }
        return new PluginRuntimeException(e, "cannot create {}: {}", type.getName(), why);
    }
}
