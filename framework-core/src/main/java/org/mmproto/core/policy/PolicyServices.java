package org.mmproto.core.policy;

import org.mmproto.core.migrate.Migration;
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

    /** The memory services: physical memory, allocator, folio release, memmap, dispatcher, zero page. */
    public MmCore core() {
        return core;
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
