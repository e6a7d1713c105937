package org.mmproto.core.hooks;

import org.mmproto.api.driver.HotplugState;
import org.mmproto.api.driver.NodeOptIns;

/** The memory hotplug a driver's context reaches (implemented by the hotplug subsystem above). */
public interface NodeHotplug {
    HotplugState state(int nid);

    /** 0 or -errno, as {@link org.mmproto.api.driver.DriverContext#hotplug}. */
    int set(int nid, HotplugState target, NodeOptIns optIns);

    /** Before the kernel wires the subsystem: nothing can be hotplugged. */
    NodeHotplug NONE = new NodeHotplug() {
        @Override
        public HotplugState state(int nid) {
            return null;
        }

        @Override
        public int set(int nid, HotplugState target, NodeOptIns optIns) {
            return -org.mmproto.api.Errno.EINVAL.code();
        }
    };
}
