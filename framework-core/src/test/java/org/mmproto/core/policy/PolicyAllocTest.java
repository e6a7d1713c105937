package org.mmproto.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.task.MemPolicy.MPOL_BIND;
import static org.mmproto.core.task.MemPolicy.MPOL_INTERLEAVE;
import static org.mmproto.core.task.MemPolicy.MPOL_LOCAL;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED_MANY;
import static org.mmproto.core.task.MemPolicy.MPOL_WEIGHTED_INTERLEAVE;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.ShmemFile;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;

/** Where faults put pages under each policy mode (alloc_pages_mpol). */
class PolicyAllocTest extends PolicyTestBase {
    /** A task on cpu 2 (node 1). */
    private Task onNode1() {
        return k.spawn("b", 0, 2, 1000, Set.of());
    }

    private long bound(Task t, int pages, int mode, int... nodes) {
        long p = anon(t, pages);
        assertThat(numa.mbind(t, p, pages * PAGE, mode, mask(nodes), MAXNODE, 0)).isZero();
        return p;
    }

    @Test
    void default_and_LOCAL_allocate_on_the_CPUs_node() {
        Task b = onNode1();
        long p = anonTouched(b, 2);
        assertThat(nodesOf(b, p, 2)).containsOnly(1);
        long q = anon(b, 2);
        numa.mbind(b, q, 2 * PAGE, MPOL_LOCAL, UserMask.NULL, 0, 0);
        ops.touch(b, q, 2 * PAGE, true);
        assertThat(nodesOf(b, q, 2)).containsOnly(1);
    }

    @Test
    void task_policy_applies_where_the_VMA_has_none() {
        numa.setMempolicy(a, MPOL_BIND, mask(2), MAXNODE);
        long p = anonTouched(a, 2);
        assertThat(nodesOf(a, p, 2)).containsOnly(2);
        long q = bound(a, 2, MPOL_PREFERRED, 1);
        ops.touch(a, q, 2 * PAGE, true);
        assertThat(nodesOf(a, q, 2)).as("VMA policy beats task policy").containsOnly(1);
    }

    // PREFERRED: the node first, then normal fallback from it when it is full
    @Test
    void PREFERRED_uses_its_node_and_falls_back_when_full() {
        long p = bound(a, 2, MPOL_PREFERRED, 1);
        ops.touch(a, p, 2 * PAGE, true);
        assertThat(nodesOf(a, p, 2)).containsOnly(1);
        fill(1);
        long q = bound(a, 2, MPOL_PREFERRED, 1);
        assertThat(ops.touch(a, q, 2 * PAGE, true)).isZero();
        assertThat(nodesOf(a, q, 2)).as("node 1's fallback list: 0 (20) before 2 (30)").containsOnly(0);
    }

    // BIND walks the zonelist of the local node, restricted to the mask: the nearest allowed node
    @Test
    void BIND_takes_the_nearest_allowed_node() {
        Task b = onNode1();
        long p = bound(b, 2, MPOL_BIND, 0, 1);
        ops.touch(b, p, 2 * PAGE, true);
        assertThat(nodesOf(b, p, 2)).containsOnly(1);
        long q = bound(b, 2, MPOL_BIND, 0, 2);
        ops.touch(b, q, 2 * PAGE, true);
        assertThat(nodesOf(b, q, 2)).as("node 0 at 20 beats node 2 at 30").containsOnly(0);
        long r = bound(b, 2, MPOL_BIND, 2);
        ops.touch(b, r, 2 * PAGE, true);
        assertThat(nodesOf(b, r, 2)).as("movable-only node: BIND applies to movable requests").containsOnly(2);
    }

    // BIND with its nodes full: the fault fails with VM_FAULT_OOM, which the fault path reports as
    // -ENOMEM (a real kernel then runs the OOM killer; checked on realkernel 6.12, where the biggest
    // task on the node was killed).
    @Test
    void BIND_on_full_nodes_fails_the_fault_with_ENOMEM() {
        fill(1);
        long p = bound(a, 2, MPOL_BIND, 1);
        long failures = k.alloc().allocFailures();
        assertThat(ops.touch(a, p, 2 * PAGE, true)).isEqualTo(err(Errno.ENOMEM));
        assertThat(k.alloc().allocFailures()).isGreaterThan(failures);
    }

    // PREFERRED_MANY: the nearest node of the mask first, then any node once the mask is full
    @Test
    void PREFERRED_MANY_prefers_the_mask_then_falls_back_anywhere() {
        long p = bound(a, 2, MPOL_PREFERRED_MANY, 1, 2);
        ops.touch(a, p, 2 * PAGE, true);
        assertThat(nodesOf(a, p, 2)).containsOnly(1);
        fill(1);
        fill(2);
        long q = bound(a, 2, MPOL_PREFERRED_MANY, 1, 2);
        assertThat(ops.touch(a, q, 2 * PAGE, true)).isZero();
        assertThat(nodesOf(a, q, 2)).containsOnly(0);
    }

    // INTERLEAVE of an anonymous VMA: page at addr goes to node (addr >> 12) mod n of the mask, since
    // an anonymous VMA's vm_pgoff is its start page. Checked on realkernel 6.12 (3 nodes: page i of a
    // mapping at addr on node ((addr >> 12) + i) % 3; numa_interleave +1 per page).
    @Test
    void INTERLEAVE_spreads_pages_by_virtual_page_number_and_counts_numa_interleave() {
        long p = bound(a, 9, MPOL_INTERLEAVE, 0, 1, 2);
        long before = vmstat(VmStat.NUMA_INTERLEAVE);
        ops.touch(a, p, 9 * PAGE, true);
        int[] nodes = nodesOf(a, p, 9);
        for (int i = 0; i < 9; i++) {
            assertThat(nodes[i]).isEqualTo((int) (((p >>> 12) + i) % 3));
        }
        assertThat(vmstat(VmStat.NUMA_INTERLEAVE) - before).isEqualTo(9);
    }

    // A full interleave node falls back (no nodemask); that page is not an interleave hit
    @Test
    void INTERLEAVE_falls_back_from_a_full_node_without_counting_a_hit() {
        fill(1);
        long p = bound(a, 4, MPOL_INTERLEAVE, 0, 1);
        long before = vmstat(VmStat.NUMA_INTERLEAVE);
        assertThat(ops.touch(a, p, 4 * PAGE, true)).isZero();
        assertThat(nodesOf(a, p, 4)).containsOnly(0);
        assertThat(vmstat(VmStat.NUMA_INTERLEAVE) - before).isEqualTo(2);
    }

    // A memfd interleaves by its inode number plus the file index. Checked on realkernel 6.12: the
    // first memfd (st_ino 2) puts page 0 on node 2 of {0,1,2}; shared anonymous memory (the next
    // inode) starts one node later.
    @Test
    void INTERLEAVE_of_a_memfd_is_biased_by_its_inode_number() {
        ShmemFile f = ops.memfdCreate(a, "shm", 9 * PAGE);
        long m = shared(a, f, 9, 0);
        numa.mbind(a, m, 9 * PAGE, MPOL_INTERLEAVE, mask(0, 1, 2), MAXNODE, 0);
        ops.touch(a, m, 9 * PAGE, true);
        assertThat(nodesOf(a, m, 9)).containsExactly(2, 0, 1, 2, 0, 1, 2, 0, 1);
        long sa = ops.mmap(a, 0, 6 * PAGE, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_SHARED | MmOps.MAP_ANONYMOUS, null, 0, "sa");
        numa.mbind(a, sa, 6 * PAGE, MPOL_INTERLEAVE, mask(0, 1, 2), MAXNODE, 0);
        ops.touch(a, sa, 6 * PAGE, true);
        assertThat(nodesOf(a, sa, 6)).containsExactly(0, 1, 2, 0, 1, 2);
    }

    // WEIGHTED_INTERLEAVE: node n takes weight(n) consecutive interleave indices (default 1); it does
    // not count numa_interleave (checked on realkernel 6.12: +0).
    @Test
    void WEIGHTED_INTERLEAVE_gives_each_node_its_weight() {
        long p = anon(a, 16);
        long base = p >>> 12;
        numa.mbind(a, p, 16 * PAGE, MPOL_WEIGHTED_INTERLEAVE, mask(0, 2), MAXNODE, 0);
        k.interleaveWeights().set(0, 3);
        long before = vmstat(VmStat.NUMA_INTERLEAVE);
        ops.touch(a, p, 16 * PAGE, true);
        int[] nodes = nodesOf(a, p, 16);
        for (int i = 0; i < 16; i++) {
            assertThat(nodes[i]).as("page %d", i).isEqualTo((base + i) % 4 < 3 ? 0 : 2);
        }
        assertThat(vmstat(VmStat.NUMA_INTERLEAVE)).isEqualTo(before);
        k.interleaveWeights().set(0, 0);
        assertThat(k.interleaveWeights().weight(0)).isEqualTo(1);
    }

    // Allocations without a VMA (alloc_pages) use the task policy and round-robin through il_prev
    @Test
    void interleave_without_a_VMA_round_robins_through_il_prev() {
        numa.setMempolicy(a, MPOL_INTERLEAVE, mask(0, 1, 2), MAXNODE);
        int[] got = new int[6];
        long[] pfns = new long[6];
        for (int i = 0; i < 6; i++) {
            pfns[i] = PolicyAlloc.alloc(k.policyServices(), a, null, 0, Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0);
            got[i] = k.memmap().nid(pfns[i]);
        }
        assertThat(got).containsExactly(0, 1, 2, 0, 1, 2);
        for (long pfn : pfns) {
            k.alloc().freePages(pfn, 0);
        }
        // node 2 is movable-only: a GFP_KERNEL page meant for it falls back to node 0
        for (int i = 0; i < 3; i++) {
            pfns[i] = PolicyAlloc.alloc(k.policyServices(), a, null, 0, Gfp.GFP_KERNEL.bits(), 0);
            got[i] = k.memmap().nid(pfns[i]);
            k.alloc().freePages(pfns[i], 0);
        }
        assertThat(got).startsWith(0, 1, 0);
        // __GFP_THISNODE ignores the task policy
        long pfn = PolicyAlloc.alloc(k.policyServices(), a, null, 0, Gfp.GFP_KERNEL.bits() | Gfp.Bits.THISNODE, 0);
        assertThat(k.memmap().nid(pfn)).isZero();
        k.alloc().freePages(pfn, 0);
    }

    // A cpuset that excludes nodes restricts every allocation of the task
    @Test
    void cpuset_mems_restrict_allocations() {
        a.setMemsAllowed(NodeMask.of(1));
        long p = anonTouched(a, 2);
        assertThat(nodesOf(a, p, 2)).containsOnly(1);
    }

    // THP: the preferred node alone first (__GFP_THISNODE|__GFP_NORETRY); without direct reclaim in
    // the gfp (THP defrag=madvise, no MADV_HUGEPAGE) a full node means no THP here, with
    // MADV_HUGEPAGE (GFP_TRANSHUGE) it retries on other nodes. Checked on realkernel 6.12 with node 1
    // drained below its THP watermark and PREFERRED {1}: small pages on node 0 (AnonHugePages 0),
    // and with MADV_HUGEPAGE a THP on node 0.
    @Test
    void THP_tries_the_preferred_node_alone_first() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        long p = bound(a, 512, MPOL_BIND, 1);
        ops.touch(a, p, 512 * PAGE, true);
        assertThat(k.memmap().order(folio(a, p))).isEqualTo(9);
        assertThat(nodeOf(a, p)).isEqualTo(1);
        ops.munmap(a, p, 512 * PAGE);

        fill(1);
        long q = bound(a, 512, MPOL_PREFERRED, 1);
        long fallback = vmstat(VmStat.THP_FAULT_FALLBACK);
        ops.touch(a, q, PAGE, true);
        assertThat(vmstat(VmStat.THP_FAULT_FALLBACK) - fallback).isEqualTo(1);
        assertThat(k.memmap().order(folio(a, q))).isZero();
        assertThat(nodeOf(a, q)).isZero();

        long r = bound(a, 512, MPOL_PREFERRED, 1);
        ops.madvise(a, r, 512 * PAGE, MmOps.MADV_HUGEPAGE);
        ops.touch(a, r, PAGE, true);
        assertThat(k.memmap().order(folio(a, r))).isEqualTo(9);
        assertThat(nodeOf(a, r)).isZero();
    }

    // THP with INTERLEAVE interleaves whole huge pages by (addr >> 21) (checked on realkernel 6.12)
    @Test
    void THP_interleave_uses_the_huge_page_index() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        long p = bound(a, 2048, MPOL_INTERLEAVE, 0, 1);
        ops.touch(a, p, 2048 * PAGE, true);
        for (int i = 0; i < 4; i++) {
            long addr = p + i * 512L * PAGE;
            assertThat(k.memmap().order(folio(a, addr))).isEqualTo(9);
            assertThat(nodeOf(a, addr)).isEqualTo((int) ((addr >>> 21) % 2));
        }
    }
}
