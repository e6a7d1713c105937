package org.mmproto.core.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import com.google.inject.Provider;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.mmproto.api.design.Design;

/**
 * The wiring of one run (one injector per run): the host's API services ({@link HostModule}),
 * the loaded plugins, a Guice-backed extension factory whose per-plugin child injectors hang off
 * this run's injector, {@code Map<String, Design>} (a {@link MapBinder}) with the built-in and
 * plugin designs by name, {@link DesignRegistry} and {@link DriverRegistry}. Duplicate design
 * names fail in the constructor, before Guice, with both origins named.
 */
public final class EngineModule extends AbstractModule {
    private final HostServices host;
    private final PluginCatalog plugins;
    private final DesignRegistry designs;

    public EngineModule(HostServices host, Collection<? extends Design> builtInDesigns, PluginCatalog plugins) {
        this.host = Objects.requireNonNull(host, "host");
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.designs = DesignRegistry.of(List.copyOf(builtInDesigns), plugins);
    }

    @Override
    protected void configure() {
        install(new HostModule(host));
        bind(PluginCatalog.class).toInstance(plugins);
        bind(DesignRegistry.class).toInstance(designs);
        bind(DriverRegistry.class).in(Singleton.class);
        MapBinder<String, Design> byName = MapBinder.newMapBinder(binder(), String.class, Design.class);
        for (DesignRegistry.Entry e : designs.entries()) {
            if (e.isBuiltIn()) {
                byName.addBinding(e.name()).toInstance(e.builtIn());
            } else {
                byName.addBinding(e.name()).toProvider(new PluginDesign(e.plugin().type()));
            }
        }
    }

    @Provides
    @Singleton
    GuiceExtensionFactory extensionFactory(Injector injector) {
        return plugins.extensionFactory(injector);
    }

    /** A plugin design, made per injection by the run's extension factory. */
    private static final class PluginDesign implements Provider<Design> {
        private final Class<? extends Design> type;
        @Inject
        private GuiceExtensionFactory factory;

        PluginDesign(Class<? extends Design> type) {
            this.type = type;
        }

        @Override
        public Design get() {
            return factory.create(type);
        }
    }
}
