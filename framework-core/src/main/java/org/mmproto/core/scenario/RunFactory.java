package org.mmproto.core.scenario;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.plugin.DesignRegistry;
import org.mmproto.core.plugin.DriverRegistry;
import org.mmproto.core.plugin.EngineModule;
import org.mmproto.core.plugin.HostServicesHolder;
import org.mmproto.core.plugin.PluginCatalog;

/**
 * Builds what one run needs through one Guice injector per run: designs bound by name (built in
 * and from plugins), driver extensions created by the plugin-backed extension factory, and the
 * node's driver context, which a driver may take by constructor injection (while it is created
 * for its node) and also receives in bind().
 */
public final class RunFactory {
    private final PluginCatalog catalog;

    public RunFactory(PluginCatalog catalog) {
        this.catalog = catalog;
    }

    public PluginCatalog catalog() {
        return catalog;
    }

    /** A fresh injector and the run setup it yields. */
    public RunSetup setup(String designOverride, Duration budget) {
        HostServicesHolder ctx = new HostServicesHolder();
        Injector injector = Guice.createInjector(new EngineModule(ctx, BuiltInDesigns.all(), catalog));
        Map<String, Design> designs = injector.getInstance(Key.get(new TypeLiteral<Map<String, Design>>() { }));
        Map<String, Supplier<Design>> designFactories = new LinkedHashMap<>();
        designs.forEach((name, d) -> designFactories.put(name, () -> d));
        DriverRegistry registry = injector.getInstance(DriverRegistry.class);
        Map<String, Supplier<PrivateNodeDriver>> drivers = new LinkedHashMap<>();
        Map<String, String> jars = new LinkedHashMap<>();
        for (String id : registry.ids()) {
            drivers.put(id, () -> registry.create(id));
            String pluginId = registry.extension(id).pluginId();
            catalog.plugin(pluginId).ifPresent(p -> jars.put(id, String.valueOf(p.jar().getFileName())));
        }
        return new RunSetup(designFactories, drivers, budget, designOverride, ctx, jars);
    }

    /** The designs a run can use: the built-in ones and the catalog's. */
    public DesignRegistry designs() {
        return DesignRegistry.of(catalog);
    }

    /** The design names a run can use, sorted. */
    public List<String> designNames() {
        return designs().names();
    }
}
