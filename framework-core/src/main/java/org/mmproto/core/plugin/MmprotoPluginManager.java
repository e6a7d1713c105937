package org.mmproto.core.plugin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pf4j.DependencyResolver;
import org.pf4j.ExtensionFactory;
import org.pf4j.JarPluginLoader;
import org.pf4j.JarPluginManager;
import org.pf4j.JarPluginRepository;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRepository;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;

/**
 * PF4J's jar manager as mmproto runs it: plain jars with a manifest descriptor only, always in
 * deployment mode, {@code Plugin-Requires} checked against the framework version, plugin class
 * loaders that see only the API ({@link ApiOnlyPluginClassLoader}), and extensions created by a
 * Guice-backed factory. {@link DriverPlugins} drives it one jar at a time so that a bad jar gets
 * its own error.
 */
final class MmprotoPluginManager extends JarPluginManager {

    MmprotoPluginManager(Path pluginsRoot, String systemVersion) {
        super(pluginsRoot);
        setSystemVersion(systemVersion);
        // A plugin whose Plugin-Dependencies cannot be met is dropped; the others still load.
        resolveRecoveryStrategy = ResolveRecoveryStrategy.IGNORE_PLUGIN_AND_CONTINUE;
    }

    /** Replaces PF4J's reflective factory (fields cannot be set from createExtensionFactory: it runs in super()). */
    void useExtensionFactory(ExtensionFactory factory) {
        this.extensionFactory = factory;
    }

    @Override
    public RuntimeMode getRuntimeMode() {
        // -Dpf4j.mode=development would switch to loading project folders; we only load jars.
        return RuntimeMode.DEPLOYMENT;
    }

    @Override
    protected PluginRepository createPluginRepository() {
        return new JarPluginRepository(getPluginsRoots());
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new JarPluginLoader(this) {
            @Override
            public ClassLoader loadPlugin(Path pluginPath, PluginDescriptor descriptor) {
                PluginClassLoader loader = new ApiOnlyPluginClassLoader(pluginManager, descriptor,
                        MmprotoPluginManager.class.getClassLoader());
                loader.addFile(pluginPath.toFile());
                return loader;
            }
        };
    }

    /** Loads one jar (descriptor, class loader, wrapper) without resolving; PF4J exceptions propagate. */
    PluginWrapper loadJar(Path jar) {
        return loadPluginFromPath(jar);
    }

    /** Whether the plugin's {@code Plugin-Requires} accepts this framework version. */
    boolean requiresSatisfied(PluginWrapper plugin) {
        return isPluginValid(plugin);
    }

    /**
     * Resolves Plugin-Dependencies of everything loaded so far. Returns, per plugin id, why it
     * could not be resolved; those plugins are unloaded.
     */
    Map<String, String> resolveAll() {
        Map<String, String> failures = new LinkedHashMap<>();
        List<PluginDescriptor> descriptors = new ArrayList<>();
        for (PluginWrapper w : getPlugins()) {
            descriptors.add(w.getDescriptor());
        }
        DependencyResolver.Result result = dependencyResolver.resolve(descriptors);
        if (result.hasCyclicDependency()) {
            for (PluginWrapper w : getPlugins()) {
                failures.put(w.getPluginId(), "its Plugin-Dependencies form a cycle");
                unloadPlugin(w.getPluginId());
            }
            return failures;
        }
        for (String missing : result.getNotFoundDependencies()) {
            for (String dependent : dependencyResolver.getDependents(missing)) {
                failures.putIfAbsent(dependent, "needs plugin '" + missing + "' (Plugin-Dependencies), which is not loaded");
            }
        }
        for (DependencyResolver.WrongDependencyVersion wrong : result.getWrongVersionDependencies()) {
            failures.putIfAbsent(wrong.getDependentId(), "needs plugin '" + wrong.getDependencyId() + "' "
                    + wrong.getRequiredVersion() + " (Plugin-Dependencies), found " + wrong.getExistingVersion());
        }
        List<String> before = getPlugins().stream().map(PluginWrapper::getPluginId).toList();
        resolvePlugins();
        for (String id : before) {
            if (getPlugin(id) == null) {
                failures.putIfAbsent(id, "a plugin it depends on could not be resolved");
            }
        }
        return failures;
    }
}
