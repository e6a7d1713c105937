package org.mmproto.core.plugin;

import java.util.Objects;
import org.mmproto.api.driver.DriverContext;

/**
 * The API services the host hands to plugin extensions through injection: a driver or design may
 * {@code @jakarta.inject.Inject} a constructor taking any of them. The engine supplies them; until
 * it does, {@link #unbound()} stands in and fails on use.
 */
public interface HostServices {

    /** The engine's services for drivers (bound in Guice as {@link DriverContext}, asked on every injection). */
    DriverContext driverContext();

    /** Fixed services around one context. */
    static HostServices of(DriverContext context) {
        Objects.requireNonNull(context, "context");
        return () -> context;
    }

    /**
     * Services for loading plugins before any run: a context whose every method throws, so an
     * extension may take the context in its constructor but must not use it before bind().
     */
    static HostServices unbound() {
        return () -> UnboundDriverContext.INSTANCE;
    }
}
