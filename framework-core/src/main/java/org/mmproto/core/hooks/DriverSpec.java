package org.mmproto.core.hooks;

import java.util.Map;
import java.util.function.Supplier;
import org.mmproto.api.driver.PrivateNodeDriver;

/**
 * A scenario's request to bind a driver to a private node: which plugin, a factory for its
 * driver extension, the node, the per-node configuration, and where the request was written.
 */
public record DriverSpec(String pluginId, Supplier<PrivateNodeDriver> factory, int nid, Map<String, Object> config,
                         String source, int line) {
    public DriverSpec {
        config = Map.copyOf(config);
    }
}
