package org.mmproto.core.hotplug;

import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.Decisions.DeviceMapping;
import org.mmproto.api.driver.Requests.DeviceMmapRequest;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * mmap of a private node's device file (CONTRACT R7.1-R7.2): the device's mmap answers through
 * the dispatcher (Site.DEVICE_FILE; the design decides what of the answer the kernel honours);
 * an accepted mapping is an ordinary anonymous private VMA carrying the device-lifetime
 * MPOL_BIND policy the device gave (with MPOL_F_PRIVATE where the design has it), so faults land
 * on the node with no mbind. A fault before the node's memory is onlined is SIGBUS (the fault
 * path checks the VMA's device node).
 */
public final class DeviceMmap {
    private final MmOps mm;
    private final Dispatcher dispatcher;

    public DeviceMmap(MmOps mm, Dispatcher dispatcher) {
        this.mm = mm;
        this.dispatcher = dispatcher;
    }

    /** Returns the mapping's address or -errno (ENODEV: the node is not a private device node). */
    public long mmap(Task t, int nid, long addr, long len, int prot, int flags, long offset, String label) {
        if (dispatcher == null || !dispatcher.isPrivate(nid)) {
            return -Errno.ENODEV.code();
        }
        if (len == 0) {
            return -Errno.EINVAL.code();
        }
        DeviceMapping m;
        var prev = dispatcher.enter(t.ref());
        try {
            m = dispatcher.deviceFiles().mmap(new DeviceMmapRequest(nid, (len + 4095) & -4096L, prot, flags, offset, t.ref()));
        } finally {
            dispatcher.enter(prev);
        }
        if (!m.accept()) {
            return -m.refusal().code();
        }
        int anonFlags = (flags & ~(MmOps.MAP_SHARED | MmOps.MAP_PRIVATE)) | MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS;
        long r = mm.mmap(t, addr, len, prot, anonFlags, null, 0, label);
        if (r < 0) {
            return r;
        }
        Vma v = t.mm().find(r);
        NodeMask nodes = m.nodes();
        v.bindDevice(nid, new MemPolicy(MemPolicy.MPOL_BIND, m.mpolPrivate() ? MemPolicy.MPOL_F_PRIVATE : 0, nodes,
                nodes, MemPolicy.NUMA_NO_NODE));
        return r;
    }
}
