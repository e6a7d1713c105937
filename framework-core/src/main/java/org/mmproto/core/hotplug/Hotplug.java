package org.mmproto.core.hotplug;

import java.util.ArrayList;
import java.util.List;
import org.mmproto.api.Errno;
import org.mmproto.api.driver.HotplugState;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.hooks.NodeHotplug;
import org.mmproto.api.NodeMask;
import org.mmproto.core.mm.MemoryOnline;
import org.mmproto.core.task.Tasks;

/**
 * Memory hotplug of a node as a device provider drives it (add_private_memory_driver_managed /
 * offline_and_remove_memory): onlining registers the node's driver again with the opt-ins it
 * passes, checked by the rules of R5.3 (EINVAL), then onlines the memory (mm/MemoryOnline); a
 * node without a driver is onlined as /sys/devices/system/memory would (its opt-ins untouched).
 * Tasks in the top cpuset follow N_MEMORY. The memory tiers are not re-established (they are
 * fixed when the tiering subsystem boots).
 */
public final class Hotplug implements NodeHotplug {
    private final MemoryOnline online;
    private final Dispatcher dispatcher;

    /** Set once the task list exists (the drivers bind before it): the top cpuset follows N_MEMORY. */
    private Tasks tasks;

    public Hotplug(MemoryOnline online, Dispatcher dispatcher) {
        this.online = online;
        this.dispatcher = dispatcher;
    }

    public void attach(Tasks t) {
        this.tasks = t;
    }

    /** online_pages / offline_pages, then the cpuset hotplug update of the tasks. */
    private int apply(int nid, HotplugState target) {
        NodeMask before = tasks == null ? null : tasks.memoryNodes();
        HotplugState was = online.state(nid);
        int r = online.set(nid, target);
        if (r == 0 && was != target && tasks != null) {
            tasks.memoryHotplugged(before);
        }
        return r;
    }

    @Override
    public HotplugState state(int nid) {
        return online.state(nid);
    }

    public boolean hotpluggable(int nid) {
        return online.hotpluggable(nid);
    }

    /** The hotplug step on a node no driver owns: the memory block's state file. */
    public int set(int nid, HotplugState target) {
        return apply(nid, target);
    }

    @Override
    public int set(int nid, HotplugState target, NodeOptIns optIns) {
        if (target.online() && optIns != null) {
            List<String> bad = new ArrayList<>(NodeCap.violations(optIns.caps()));
            bad.addAll(NpOps.violations(optIns.flags(), dispatcher.implementedHooks(nid)));
            if (!bad.isEmpty()) {
                return -Errno.EINVAL.code();
            }
        }
        boolean wasOnline = online.state(nid).online();
        if (target.online() && !wasOnline && optIns != null && online.hotpluggable(nid)) {
            dispatcher.reregister(nid, optIns); // registered before the memory comes up: the design places it
        }
        return apply(nid, target);
    }
}
