package org.mmproto.core.plugin;

import java.util.Objects;
import org.mmproto.api.driver.DriverContext;

/**
 * {@link HostServices} the engine fills when a run starts and clears when it ends; in between,
 * every injection of {@link DriverContext} gets the current run's context.
 */
public final class HostServicesHolder implements HostServices {
    private volatile DriverContext context = UnboundDriverContext.INSTANCE;

    public void set(DriverContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    public void clear() {
        this.context = UnboundDriverContext.INSTANCE;
    }

    public boolean isBound() {
        return context != UnboundDriverContext.INSTANCE;
    }

    @Override
    public DriverContext driverContext() {
        return context;
    }
}
