package org.mmproto.core.scenario;

import java.util.List;
import java.util.Set;
import org.mmproto.api.NodeMask;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.Len;
import org.mmproto.core.scenario.Args.MaskArg;
import org.mmproto.core.scenario.Args.PidRef;
import org.mmproto.core.scenario.Expectations.Expectation;

/**
 * One step of a scenario: an operation with the arguments as written, its source line, an
 * optional label and an optional {@code expect:}. Tasks, mappings, memfds and kernel-allocation
 * groups are referred to by name; the runner binds names to the objects the run created.
 */
public sealed interface Step {
    /** The parts every step has: where it is written, its operation key, label and expectation. */
    record Meta(int line, String op, String label, Expectation expect) {
    }

    Meta meta();

    default int line() {
        return meta().line();
    }

    default String op() {
        return meta().op();
    }

    /** The calling task, or null for steps that run in no task. */
    default String task() {
        return null;
    }

    /** mmap(addr, length, prot, flags, fd, offset); {@code name} binds the returned address. */
    record Mmap(Meta meta, String task, String name, Addr addr, Len length, long prot, long flags,
                String fd, long offset) implements Step {
    }

    record Munmap(Meta meta, String task, Addr addr, Len length) implements Step {
    }

    record Madvise(Meta meta, String task, Addr addr, Len length, long advice) implements Step {
    }

    /** memfd_create(name) + ftruncate(size); {@code name} is also how mmap's {@code fd:} refers to it. */
    record MemfdCreate(Meta meta, String task, String name, long size) implements Step {
    }

    /** Reads or writes every page of [addr, addr+length) as user code would. */
    record Touch(Meta meta, String task, Addr addr, Len length, boolean write) implements Step {
    }

    /** fork(): {@code child} names the new task; pid 0 = next free. */
    record Fork(Meta meta, String task, String child, int pid) implements Step {
    }

    record Exit(Meta meta, String task) implements Step {
    }

    /** setuid/capset: null keeps the current value. */
    record SetCredentials(Meta meta, String task, Integer uid, Set<String> caps) implements Step {
    }

    /** The task's cpuset.mems. */
    record Cpuset(Meta meta, String task, NodeMask mems) implements Step {
    }

    record SetMempolicy(Meta meta, String task, long mode, MaskArg nodemask, long maxnode) implements Step {
    }

    /** get_mempolicy(&mode, wantMask ? buf : NULL, maxnode, addr, flags). */
    record GetMempolicy(Meta meta, String task, boolean wantMask, long maxnode, Addr addr, long flags)
            implements Step {
    }

    record Mbind(Meta meta, String task, Addr addr, Len length, long mode, MaskArg nodemask, long maxnode,
                 long flags) implements Step {
    }

    record MigratePages(Meta meta, String task, PidRef pid, long maxnode, MaskArg oldNodes, MaskArg newNodes)
            implements Step {
    }

    /** move_pages; {@code nodes} null = NULL (query the nodes only). */
    record MovePages(Meta meta, String task, PidRef pid, List<Addr> pages, int[] nodes, long flags)
            implements Step {
    }

    record SetMempolicyHomeNode(Meta meta, String task, Addr addr, Len length, long homeNode, long flags)
            implements Step {
    }

    /**
     * Kernel allocations: {@code count} × alloc_pages(gfp, order) preferring {@code nid} (null =
     * each online node in turn, for_each_online_node) on a CPU {@code cpu}; kept under {@code name}.
     */
    record AllocPages(Meta meta, String name, int gfp, int order, Integer nid, NodeMask nodemask, int cpu,
                      int count) implements Step {
    }

    /**
     * A touch of [addr, addr+length) with one allocation armed to run inside the allocator while
     * it serves the fault from a private node (a debug option's metadata allocation, or an
     * interrupt arriving mid-allocation): gfp/order of the nested allocation, which is kept under
     * {@code name} (design-matrix case 13).
     */
    record NestedAlloc(Meta meta, String task, Addr addr, Len length, boolean write, int gfp, int order, String name)
            implements Step {
    }

    /** Frees every allocation held under {@code name}. */
    record FreePages(Meta meta, String name) implements Step {
    }

    /**
     * pin_user_pages(addr, nr_pages, gup_flags) in {@code task}; {@code name} binds the pinned
     * folios for unpin_user_pages.
     */
    record PinUserPages(Meta meta, String task, Addr addr, Len length, long gupFlags, String name) implements Step {
    }

    /** memory_failure of the page mapped at addr in task (hardware poison, as madvise(MADV_HWPOISON) injects it). */
    record MemoryFailureStep(Meta meta, String task, Addr addr) implements Step {
    }

    /** unpin_user_pages of the folios a pin_user_pages step bound to {@code name}. */
    record UnpinUserPages(Meta meta, String name) implements Step {
    }

    /** drain_all_pages: the per-CPU lists back to the buddy allocator. */
    record DrainPages(Meta meta) implements Step {
    }

    /** CONFIG_DEBUG_VM-style invariant check of the whole machine. */
    record Check(Meta meta) implements Step {
    }

    /** A step that only evaluates its expectation. */
    record ExpectOnly(Meta meta) implements Step {
    }

    /** A seeded workload run {@code times} times; {@code seed} null = derived from the run seed and the line. */
    record Repeat(Meta meta, long times, Long seed, Workloads.Spec workload) implements Step {
        @Override
        public String task() {
            return workload.task();
        }
    }

    /** Prints kernel text (/proc/vmstat, buddyinfo, ...) into the report. */
    record Show(Meta meta, String what, String task) implements Step {
    }
}
