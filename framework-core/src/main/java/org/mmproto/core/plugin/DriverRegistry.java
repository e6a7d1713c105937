package org.mmproto.core.plugin;

import jakarta.inject.Inject;
import java.util.List;
import org.mmproto.api.driver.PrivateNodeDriver;

/**
 * The drivers a run may bind to private nodes, created through the run's injector: each
 * {@link #create} is a new instance whose injected services are the run's.
 */
public final class DriverRegistry {
    private final PluginCatalog catalog;
    private final GuiceExtensionFactory factory;

    @Inject
    DriverRegistry(PluginCatalog catalog, GuiceExtensionFactory factory) {
        this.catalog = catalog;
        this.factory = factory;
    }

    /** Driver ids ({@link DriverExtension#id()}) in plugin order. */
    public List<String> ids() {
        return catalog.drivers().stream().map(DriverExtension::id).toList();
    }

    /** The catalog entry for a driver id or class name. */
    public DriverExtension extension(String id) {
        return catalog.driver(id).orElseThrow(() -> new IllegalArgumentException("no driver '" + id + "'; loaded drivers: "
                + (ids().isEmpty() ? "none" : String.join(", ", ids()))));
    }

    /** A new instance of the driver, injected by this run's injector. */
    public PrivateNodeDriver create(String id) {
        return factory.create(extension(id).type());
    }
}
