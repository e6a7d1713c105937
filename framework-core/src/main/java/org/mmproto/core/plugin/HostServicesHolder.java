package org.mmproto.core.plugin;

import java.util.Objects;
import org.mmproto.api.driver.DriverContext;

/**
 * {@link HostServices} the engine fills while it creates a driver for a node: in between, every
 * injection of {@link DriverContext} gets that node's context; otherwise the unbound one.
 */
public final class HostServicesHolder implements HostServices {
    private volatile DriverContext context = UnboundDriverContext.INSTANCE;

    public void set(DriverContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    public void clear() {
        this.context = UnboundDriverContext.INSTANCE;
    }

    /** The engine creates a driver for the node of {@code context}; null when it is done. */
    public void constructing(DriverContext context) {
        if (context == null) {
            clear();
        } else {
            set(context);
        }
    }

    public boolean isBound() {
        return context != UnboundDriverContext.INSTANCE;
    }

    @Override
    public DriverContext driverContext() {
        return context;
    }
}
