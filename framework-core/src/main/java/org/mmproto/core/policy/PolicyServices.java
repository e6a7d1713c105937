package org.mmproto.core.policy;

import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.mm.FolioRelease;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.task.MmCore;
import org.mmproto.core.task.Rmap;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Tasks;

/**
 * What mempolicy placement and the NUMA syscalls use: the memory services, the task list (pid
 * lookup), folio heads, the migration engine, the weighted-interleave weights and policy_zone.
 */
public final class PolicyServices {
    private final MmCore core;
    private final Tasks tasks;
    private final Rmap rmap;
    private final Migration migration;
    private final InterleaveWeights interleaveWeights;
    private int policyZone = -1;

    public PolicyServices(MmCore core, Tasks tasks, Rmap rmap, Migration migration) {
        this.core = core;
        this.tasks = tasks;
        this.rmap = rmap;
        this.migration = migration;
        this.interleaveWeights = new InterleaveWeights(core.mem().nodeCount());
    }

    public PhysicalMemory mem() {
        return core.mem();
    }

    public PageAllocator alloc() {
        return core.alloc();
    }

    public FolioRelease folioRelease() {
        return core.folioRelease();
    }

    public Memmap memmap() {
        return core.memmap();
    }

    /** The private-node dispatcher (null only for kernels booted with a bare checkpoint). */
    public Dispatcher dispatcher() {
        return core.dispatcher();
    }

    public long zeroPfn() {
        return core.zeroPfn();
    }

    /** The task with this pid, or null (ESRCH). */
    public Task task(int pid) {
        return tasks.task(pid);
    }

    public Rmap rmap() {
        return rmap;
    }

    public Migration migration() {
        return migration;
    }

    /** /sys/kernel/mm/mempolicy/weighted_interleave: the weighted-interleave weights. */
    public InterleaveWeights interleaveWeights() {
        return interleaveWeights;
    }

    /** policy_zone: the highest zone type other than ZONE_MOVABLE that has memory on some node. */
    public int policyZone() {
        if (policyZone < 0) {
            policyZone = PolicyAlloc.computePolicyZone(this);
        }
        return policyZone;
    }
}
