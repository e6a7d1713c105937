package org.mmproto.core.hooks;

import java.util.Set;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.PrivateNodeDriver;

/**
 * A driver instance bound to one private node: what it opted into there, the callbacks its class
 * implements, and the context it was handed.
 */
public record BoundDriver(String pluginId, PrivateNodeDriver driver, NodeBinding binding, NodeOptIns optIns,
        Set<Hook> hooks, KernelDriverContext context) {
    public BoundDriver {
        hooks = Set.copyOf(hooks);
    }
}
