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
 * Tasks in the top cpuset follow N_MEMORY; then the registered memory notifiers are told
 * (MEM_ONLINE / MEM_OFFLINE: the memory tiers place or drop the node and recompute the demotion
 * targets).
 */
public final class Hotplug implements NodeHotplug {
    private final MemoryOnline online;
    private final Dispatcher dispatcher;

    /** register_memory_notifier: told after a node's memory went online or offline. */
    public interface Notifier {
        void memoryOnline(int nid);

        void memoryOffline(int nid);
    }

    private final List<Notifier> notifiers = new ArrayList<>();

    /** Set once the task list exists (the drivers bind before it): the top cpuset follows N_MEMORY. */
    private Tasks tasks;

    public Hotplug(MemoryOnline online, Dispatcher dispatcher) {
        this.online = online;
        this.dispatcher = dispatcher;
    }

    public void attach(Tasks t) {
        this.tasks = t;
    }

    /** Adds a notifier (the tiering subsystem, once it exists). */
    public void register(Notifier n) {
        notifiers.add(n);
    }

    /** online_pages / offline_pages, then the cpuset hotplug update of the tasks. */
    private int apply(int nid, HotplugState target) {
        NodeMask before = tasks == null ? null : tasks.memoryNodes();
        HotplugState was = online.state(nid);
        int r = online.set(nid, target);
        if (r == 0 && was != target) {
            if (tasks != null) {
                tasks.memoryHotplugged(before);
            }
            for (Notifier n : notifiers) {
                if (target.online()) {
                    n.memoryOnline(nid);
                } else {
                    n.memoryOffline(nid);
                }
            }
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
