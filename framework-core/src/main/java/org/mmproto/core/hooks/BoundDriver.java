package org.mmproto.core.hooks;

import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.PrivateNodeDriver;

/** A driver instance bound to one private node, with what it opted into there. */
public record BoundDriver(String pluginId, PrivateNodeDriver driver, NodeBinding binding, NodeOptIns optIns) {
}
