package org.mmproto.core.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import java.util.Objects;
import org.mmproto.api.driver.DriverContext;

/** Binds the API services the host offers to plugin extensions ({@link HostServices}). */
public final class HostModule extends AbstractModule {
    private final HostServices services;

    public HostModule(HostServices services) {
        this.services = Objects.requireNonNull(services, "services");
    }

    @Override
    protected void configure() {
        bind(HostServices.class).toInstance(services);
        // Unscoped: each injection asks the services, so a holder the engine fills later is honoured.
        bind(DriverContext.class).toProvider((Provider<DriverContext>) services::driverContext);
    }
}
