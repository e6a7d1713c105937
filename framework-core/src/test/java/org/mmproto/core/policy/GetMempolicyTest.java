package org.mmproto.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.task.MemPolicy.MPOL_BIND;
import static org.mmproto.core.task.MemPolicy.MPOL_DEFAULT;
import static org.mmproto.core.task.MemPolicy.MPOL_F_ADDR;
import static org.mmproto.core.task.MemPolicy.MPOL_F_MEMS_ALLOWED;
import static org.mmproto.core.task.MemPolicy.MPOL_F_NODE;
import static org.mmproto.core.task.MemPolicy.MPOL_INTERLEAVE;
import static org.mmproto.core.task.MemPolicy.MPOL_LOCAL;
import static org.mmproto.core.task.MemPolicy.MPOL_WEIGHTED_INTERLEAVE;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;

/** get_mempolicy(2): errors and what it reports. */
class GetMempolicyTest extends PolicyTestBase {
    private GetMempolicyResult get(boolean wantMask, long maxnode, long addr, int flags) {
        return numa.getMempolicy(a, wantMask, maxnode, addr, flags);
    }

    // get_mempolicy(2) ERRORS: EINVAL maxnode is less than the number of node IDs supported
    @Test
    void get_mempolicy_maxnode_below_nr_node_ids_is_EINVAL() {
        assertThat(get(true, 2, 0, 0).ret()).isEqualTo(err(Errno.EINVAL));
        assertThat(get(true, 3, 0, 0).ret()).isZero();
        assertThat(get(false, 2, 0, 0).ret()).as("only checked when a mask is passed").isZero();
    }

    // get_mempolicy(2) ERRORS: EINVAL flags specified values other than MPOL_F_NODE or MPOL_F_ADDR
    @Test
    void get_mempolicy_unknown_flags_are_EINVAL() {
        assertThat(get(false, 0, 0, 8).ret()).isEqualTo(err(Errno.EINVAL));
        assertThat(get(false, 0, 0, 1 << 20).ret()).isEqualTo(err(Errno.EINVAL));
    }

    // get_mempolicy(2) ERRORS: EINVAL flags specified MPOL_F_MEMS_ALLOWED with MPOL_F_ADDR or MPOL_F_NODE
    @Test
    void get_mempolicy_MEMS_ALLOWED_with_NODE_or_ADDR_is_EINVAL() {
        assertThat(get(false, 0, 0, MPOL_F_MEMS_ALLOWED | MPOL_F_NODE).ret()).isEqualTo(err(Errno.EINVAL));
        long p = anon(a, 1);
        assertThat(get(false, 0, p, MPOL_F_MEMS_ALLOWED | MPOL_F_ADDR).ret()).isEqualTo(err(Errno.EINVAL));
    }

    // get_mempolicy(2) ERRORS: EINVAL flags did not specify MPOL_F_ADDR and addr is not NULL
    @Test
    void get_mempolicy_addr_without_F_ADDR_is_EINVAL() {
        long p = anon(a, 1);
        assertThat(get(false, 0, p, 0).ret()).isEqualTo(err(Errno.EINVAL));
        assertThat(get(false, 0, 0x1000, MPOL_F_NODE).ret()).isEqualTo(err(Errno.EINVAL));
    }

    // get_mempolicy(2) ERRORS: EINVAL flags specified MPOL_F_NODE but not MPOL_F_ADDR and the
    // thread policy is not MPOL_INTERLEAVE (6.12 also accepts MPOL_WEIGHTED_INTERLEAVE)
    @Test
    void get_mempolicy_NODE_without_ADDR_needs_an_interleave_task_policy() {
        assertThat(get(false, 0, 0, MPOL_F_NODE).ret()).as("default policy").isEqualTo(err(Errno.EINVAL));
        numa.setMempolicy(a, MPOL_BIND, mask(1), MAXNODE);
        assertThat(get(false, 0, 0, MPOL_F_NODE).ret()).isEqualTo(err(Errno.EINVAL));
    }

    // get_mempolicy(2): "flags specified MPOL_F_ADDR and addr is NULL" is documented as EINVAL,
    // but the kernel looks for a VMA at 0 and finds none: EFAULT (checked on realkernel 6.12).
    // Same for any address without a VMA (a hole in a mapping, checked on realkernel 6.12).
    @Test
    void get_mempolicy_F_ADDR_without_a_VMA_is_EFAULT_even_for_NULL() {
        assertThat(get(false, 0, 0, MPOL_F_ADDR).ret()).isEqualTo(err(Errno.EFAULT));
        long p = anon(a, 4);
        ops.munmap(a, p + PAGE, PAGE);
        assertThat(get(false, 0, p + PAGE, MPOL_F_ADDR).ret()).isEqualTo(err(Errno.EFAULT));
        assertThat(get(false, 0, p, MPOL_F_ADDR).ret()).isZero();
    }

    // copy_nodes_to_user: a mask buffer larger than a page is EINVAL, after *mode was written
    // (checked on realkernel 6.12: maxnode 32770 gives EINVAL and mode 2; 32769 is fine).
    @Test
    void get_mempolicy_mask_buffer_above_a_page_is_EINVAL_with_mode_written() {
        numa.setMempolicy(a, MPOL_BIND, mask(0), MAXNODE);
        GetMempolicyResult r = get(true, 32770, 0, 0);
        assertThat(r.ret()).isEqualTo(err(Errno.EINVAL));
        assertThat(r.mode()).isEqualTo(MPOL_BIND);
        assertThat(get(true, 32769, 0, 0).ret()).isZero();
    }

    // The kernel writes ALIGN(maxnode - 1, 64) bits (checked on realkernel 6.12: maxnode 3 and 63 write
    // one word, 123 two words, 1025 sixteen, 1026 seventeen); words past nr_node_ids are zero.
    @Test
    void get_mempolicy_writes_maxnode_minus_one_bits_rounded_to_words() {
        numa.setMempolicy(a, MPOL_BIND, mask(0, 1), MAXNODE);
        assertThat(get(true, 3, 0, 0).nodemask()).containsExactly(0b11);
        assertThat(get(true, 63, 0, 0).nodemask()).hasSize(1);
        assertThat(get(true, 123, 0, 0).nodemask()).containsExactly(0b11, 0);
        assertThat(get(true, 1025, 0, 0).nodemask()).hasSize(16);
        assertThat(get(true, 1026, 0, 0).nodemask()).hasSize(17);
    }

    @Test
    void get_mempolicy_reports_default_local_and_mask_policies() {
        GetMempolicyResult r = get(true, MAXNODE, 0, 0);
        assertThat(r.ret()).isZero();
        assertThat(r.mode()).isEqualTo(MPOL_DEFAULT);
        assertThat(r.nodemask()[0]).isZero();
        numa.setMempolicy(a, MPOL_LOCAL, UserMask.NULL, 0);
        r = get(true, MAXNODE, 0, 0);
        assertThat(r.mode()).isEqualTo(MPOL_LOCAL);
        assertThat(r.nodemask()[0]).isZero();
        numa.setMempolicy(a, MPOL_INTERLEAVE, mask(0, 2), MAXNODE);
        r = get(true, MAXNODE, 0, 0);
        assertThat(r.mode()).isEqualTo(MPOL_INTERLEAVE);
        assertThat(r.nodemask()[0]).isEqualTo(0b101);
        assertThat(get(false, 0, 0, 0).nodemask()).isNull();
    }

    // MPOL_F_MEMS_ALLOWED: mode 0 and the cpuset's mems
    @Test
    void get_mempolicy_MEMS_ALLOWED_returns_the_cpuset_mems() {
        GetMempolicyResult r = get(true, MAXNODE, 0, MPOL_F_MEMS_ALLOWED);
        assertThat(r.ret()).isZero();
        assertThat(r.mode()).isZero();
        assertThat(r.nodemask()[0]).isEqualTo(0b111);
        a.setMemsAllowed(NodeMask.of(1));
        assertThat(get(true, MAXNODE, 0, MPOL_F_MEMS_ALLOWED).nodemask()[0]).isEqualTo(0b10);
        assertThat(get(true, 2, 0, MPOL_F_MEMS_ALLOWED).ret()).isEqualTo(err(Errno.EINVAL));
    }

    // MPOL_F_ADDR does not fall back to the task policy: a VMA without its own policy reports
    // MPOL_DEFAULT (checked on realkernel 6.12 with a BIND task policy: mode 0, empty mask).
    @Test
    void get_mempolicy_ADDR_on_a_VMA_without_policy_is_DEFAULT_even_with_a_task_policy() {
        numa.setMempolicy(a, MPOL_BIND, mask(1), MAXNODE);
        long p = anon(a, 4);
        GetMempolicyResult r = get(true, MAXNODE, p, MPOL_F_ADDR);
        assertThat(r.ret()).isZero();
        assertThat(r.mode()).isEqualTo(MPOL_DEFAULT);
        assertThat(r.nodemask()[0]).isZero();
        numa.mbind(a, p, 4 * PAGE, MPOL_INTERLEAVE, mask(0, 1), MAXNODE, 0);
        r = get(true, MAXNODE, p + PAGE, MPOL_F_ADDR);
        assertThat(r.mode()).isEqualTo(MPOL_INTERLEAVE);
        assertThat(r.nodemask()[0]).isEqualTo(0b11);
    }

    // MPOL_F_NODE|MPOL_F_ADDR: the node of the page at addr. The lookup is a read GUP, so an
    // untouched private page gets the zero page and reports its node. Checked on realkernel 6.12:
    // from a CPU of node 1, an untouched page reports 0 and is the zero page afterwards (move_pages
    // query -EFAULT), a written page reports 1.
    @Test
    void get_mempolicy_NODE_ADDR_reads_the_page_in_and_reports_the_zero_page_node() {
        Task b = k.spawn("b", 0, 2, 1000, Set.of());
        long p = anon(b, 2);
        GetMempolicyResult r = numa.getMempolicy(b, false, 0, p, MPOL_F_NODE | MPOL_F_ADDR);
        assertThat(r.ret()).isZero();
        assertThat(r.mode()).isEqualTo(k.memmap().nid(k.zeroPfn())).isZero();
        assertThat(mapsZeroPage(b, p)).isTrue();
        assertThat(nodesOf(b, p, 2)).containsExactly(st(Errno.EFAULT), st(Errno.ENOENT));
        ops.touch(b, p + PAGE, PAGE, true);
        assertThat(numa.getMempolicy(b, false, 0, p + PAGE, MPOL_F_NODE | MPOL_F_ADDR).mode()).isEqualTo(1);
    }

    // A page that cannot be read (PROT_NONE) makes the lookup fail: EFAULT (checked on realkernel 6.12).
    @Test
    void get_mempolicy_NODE_ADDR_on_an_unreadable_page_is_EFAULT() {
        long p = ops.mmap(a, 0, PAGE, 0, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "none");
        assertThat(get(false, 0, p, MPOL_F_NODE | MPOL_F_ADDR).ret()).isEqualTo(err(Errno.EFAULT));
    }

    // MPOL_F_NODE with an interleave task policy: the next node of the round robin, which
    // allocations without a VMA advance. Checked on realkernel 6.12: after set_mempolicy the first node.
    @Test
    void get_mempolicy_NODE_reports_the_next_interleave_node() {
        numa.setMempolicy(a, MPOL_INTERLEAVE, mask(0, 2), MAXNODE);
        assertThat(get(false, 0, 0, MPOL_F_NODE).mode()).isZero();
        long pfn = PolicyAlloc.alloc(k.policyServices(), a, null, 0, Gfp.GFP_KERNEL.bits(), 0);
        assertThat(k.memmap().nid(pfn)).isZero();
        assertThat(get(false, 0, 0, MPOL_F_NODE).mode()).isEqualTo(2);
        k.alloc().freePages(pfn, 0);
    }

    // Weighted interleave: il_prev while weight is left on it, else the next node.
    @Test
    void get_mempolicy_NODE_with_weighted_interleave_stays_while_weight_is_left() {
        k.interleaveWeights().set(0, 2);
        numa.setMempolicy(a, MPOL_WEIGHTED_INTERLEAVE, mask(0, 2), MAXNODE);
        assertThat(get(false, 0, 0, MPOL_F_NODE).mode()).isZero();
        long p1 = PolicyAlloc.alloc(k.policyServices(), a, null, 0, Gfp.GFP_KERNEL.bits(), 0);
        assertThat(get(false, 0, 0, MPOL_F_NODE).mode()).as("one of node 0's two turns left").isZero();
        long p2 = PolicyAlloc.alloc(k.policyServices(), a, null, 0, Gfp.GFP_KERNEL.bits(), 0);
        assertThat(get(false, 0, 0, MPOL_F_NODE).mode()).isEqualTo(2);
        assertThat(k.memmap().nid(p1)).isZero();
        assertThat(k.memmap().nid(p2)).isZero();
        k.alloc().freePages(p1, 0);
        k.alloc().freePages(p2, 0);
    }
}
