package org.mmproto.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.task.MemPolicy.MPOL_BIND;
import static org.mmproto.core.task.MemPolicy.MPOL_DEFAULT;
import static org.mmproto.core.task.MemPolicy.MPOL_F_RELATIVE_NODES;
import static org.mmproto.core.task.MemPolicy.MPOL_F_STATIC_NODES;
import static org.mmproto.core.task.MemPolicy.MPOL_INTERLEAVE;
import static org.mmproto.core.task.MemPolicy.MPOL_LOCAL;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_MOVE;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_MOVE_ALL;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_STRICT;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.ShmemFile;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/** mbind(2): errors in the kernel's order, VMA and shared policies, STRICT and MOVE. */
class MbindTest extends PolicyTestBase {
    private long mbind(long addr, long len, int mode, UserMask m, int flags) {
        return numa.mbind(a, addr, len, mode, m, MAXNODE, flags);
    }

    // mbind(2) ERRORS: EINVAL an invalid value was specified for mode
    @Test
    void mbind_unknown_mode_is_EINVAL() {
        long p = anon(a, 4);
        assertThat(mbind(p, 4 * PAGE, 9, mask(0), 0)).isEqualTo(err(Errno.EINVAL));
        assertThat(mbind(p, 0, 9, mask(0), 0)).as("checked before len 0 succeeds").isEqualTo(err(Errno.EINVAL));
    }

    // mbind(2) ERRORS: EINVAL the mode argument specified both MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES
    @Test
    void mbind_STATIC_and_RELATIVE_together_is_EINVAL() {
        long p = anon(a, 4);
        assertThat(mbind(p, 4 * PAGE, MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, mask(0), 0))
                .isEqualTo(err(Errno.EINVAL));
    }

    // mbind(2) ERRORS: EINVAL an invalid value was specified for flags (MPOL_MF_LAZY is not accepted)
    @Test
    void mbind_invalid_flags_are_EINVAL() {
        long p = anon(a, 4);
        assertThat(mbind(p, 4 * PAGE, MPOL_BIND, mask(0), MemPolicy.MPOL_MF_LAZY)).isEqualTo(err(Errno.EINVAL));
        assertThat(mbind(p, 4 * PAGE, MPOL_BIND, mask(0), 1 << 6)).isEqualTo(err(Errno.EINVAL));
    }

    // mbind(2) ERRORS: EINVAL addr is not a multiple of the system page size
    @Test
    void mbind_unaligned_addr_is_EINVAL() {
        long p = anon(a, 4);
        assertThat(mbind(p + 1, PAGE, MPOL_BIND, mask(0), 0)).isEqualTo(err(Errno.EINVAL));
    }

    // mbind(2) ERRORS: EINVAL addr + len was less than addr
    @Test
    void mbind_wrapping_range_is_EINVAL() {
        long p = anon(a, 4);
        assertThat(mbind(p, -2 * PAGE, MPOL_BIND, mask(0), 0)).isEqualTo(err(Errno.EINVAL));
    }

    // mbind(2) ERRORS: EINVAL mode is MPOL_DEFAULT and nodemask specified a nonempty set
    @Test
    void mbind_MPOL_DEFAULT_with_nonempty_mask_is_EINVAL() {
        long p = anon(a, 4);
        assertThat(mbind(p, 4 * PAGE, MPOL_DEFAULT, mask(1), 0)).isEqualTo(err(Errno.EINVAL));
    }

    // mbind(2) ERRORS: EINVAL mode is MPOL_BIND or MPOL_INTERLEAVE and nodemask is empty
    @Test
    void mbind_BIND_or_INTERLEAVE_with_empty_mask_is_EINVAL() {
        long p = anon(a, 4);
        assertThat(mbind(p, 4 * PAGE, MPOL_BIND, mask(), 0)).isEqualTo(err(Errno.EINVAL));
        assertThat(mbind(p, 4 * PAGE, MPOL_INTERLEAVE, UserMask.NULL, 0)).isEqualTo(err(Errno.EINVAL));
    }

    // mbind(2) ERRORS: EINVAL maxnode exceeds a kernel-imposed limit
    @Test
    void mbind_maxnode_above_a_page_of_bits_is_EINVAL() {
        long p = anon(a, 4);
        assertThat(numa.mbind(a, p, 4 * PAGE, MPOL_BIND, mask(0), 32770, 0)).isEqualTo(err(Errno.EINVAL));
    }

    // mbind(2) ERRORS: EINVAL nodemask specifies node IDs greater than the maximum supported node ID
    @Test
    void mbind_node_past_MAX_NUMNODES_is_EINVAL() {
        long p = anon(a, 4);
        long[] w = new long[17];
        w[0] = 1;
        w[16] = 1;
        assertThat(numa.mbind(a, p, 4 * PAGE, MPOL_BIND, UserMask.of(w), 1100, 0)).isEqualTo(err(Errno.EINVAL));
    }

    // mbind(2) ERRORS: EINVAL none of the node IDs are allowed by the cpuset, or none contain memory
    // (checked on realkernel 6.12: node 3 of a 3-node machine)
    @Test
    void mbind_mask_without_allowed_memory_nodes_is_EINVAL() {
        long p = anon(a, 4);
        assertThat(mbind(p, PAGE, MPOL_BIND, mask(3), 0)).isEqualTo(err(Errno.EINVAL));
        a.setMemsAllowed(NodeMask.of(0));
        assertThat(mbind(p, PAGE, MPOL_BIND, mask(1), 0)).isEqualTo(err(Errno.EINVAL));
    }

    // mbind(2) ERRORS: EFAULT part or all of the memory range specified by nodemask and maxnode
    // points outside your accessible address space
    @Test
    void mbind_unreadable_mask_is_EFAULT() {
        long p = anon(a, 4);
        assertThat(mbind(p, 4 * PAGE, MPOL_BIND, UserMask.bad(), 0)).isEqualTo(err(Errno.EFAULT));
    }

    // mbind(2) ERRORS: EFAULT there was an unmapped hole in the specified memory range.
    // Checked on realkernel 6.12: a hole anywhere is EFAULT (also at the head), MPOL_DEFAULT accepts
    // holes, but a range with no mapping at all is EFAULT even for MPOL_DEFAULT.
    @Test
    void mbind_hole_in_range_is_EFAULT_except_for_DEFAULT() {
        long p = anonTouched(a, 6);
        ops.munmap(a, p + 2 * PAGE, PAGE);
        assertThat(mbind(p, 6 * PAGE, MPOL_BIND, mask(0), 0)).isEqualTo(err(Errno.EFAULT));
        assertThat(mbind(p + 2 * PAGE, 2 * PAGE, MPOL_BIND, mask(1), 0)).as("hole at head").isEqualTo(err(Errno.EFAULT));
        assertThat(mbind(p, 6 * PAGE, MPOL_DEFAULT, UserMask.NULL, 0)).isZero();
        assertThat(mbind(p + 2 * PAGE, PAGE, MPOL_DEFAULT, UserMask.NULL, 0)).isEqualTo(err(Errno.EFAULT));
        assertThat(vmaPolicy(a, p)).as("EFAULT leaves the policy alone").isNull();
    }

    // mbind(2) ERRORS: EPERM flags included MPOL_MF_MOVE_ALL and the caller lacks CAP_SYS_NICE
    @Test
    void mbind_MOVE_ALL_without_CAP_SYS_NICE_is_EPERM() {
        long p = anon(a, 4);
        assertThat(mbind(p, 4 * PAGE, MPOL_BIND, mask(0), MPOL_MF_MOVE_ALL)).isEqualTo(err(Errno.EPERM));
    }

    // The kernel checks mode and mask before the flags, and the permission before the address.
    // Checked on realkernel 6.12 as uid 1000 with MOVE_ALL: unreadable mask EFAULT, bad mode EINVAL,
    // empty BIND mask EPERM, unaligned addr EPERM; bad flags with an unreadable mask EFAULT.
    @Test
    void mbind_checks_mask_before_flags_and_permission_before_address() {
        long p = anon(a, 4);
        assertThat(mbind(p, PAGE, MPOL_BIND, UserMask.bad(), MPOL_MF_MOVE_ALL)).isEqualTo(err(Errno.EFAULT));
        assertThat(mbind(p, PAGE, 99, mask(0), MPOL_MF_MOVE_ALL)).isEqualTo(err(Errno.EINVAL));
        assertThat(mbind(p, PAGE, MPOL_BIND, mask(), MPOL_MF_MOVE_ALL)).isEqualTo(err(Errno.EPERM));
        assertThat(mbind(p + 1, PAGE, MPOL_BIND, mask(0), MPOL_MF_MOVE_ALL)).isEqualTo(err(Errno.EPERM));
        assertThat(mbind(p, PAGE, MPOL_BIND, UserMask.bad(), 64)).isEqualTo(err(Errno.EFAULT));
    }

    // len 0 succeeds before the mode is checked against the mask (checked on realkernel 6.12)
    @Test
    void mbind_len_0_succeeds_before_the_mask_check() {
        long p = anon(a, 4);
        assertThat(mbind(p, 0, MPOL_BIND, mask(), 0)).isZero();
        assertThat(mbind(0x1000, 0, MPOL_BIND, mask(0), 0)).as("no mapping needed").isZero();
    }

    // mbind(2) ERRORS: EIO MPOL_MF_STRICT was specified and an existing page was already on a node
    // that does not follow the policy. Checked on realkernel 6.12: the policy is then not applied.
    @Test
    void mbind_STRICT_with_a_misplaced_page_is_EIO_and_leaves_the_policy() {
        long p = anonTouched(a, 4);
        assertThat(mbind(p, 4 * PAGE, MPOL_BIND, mask(1), MPOL_MF_STRICT)).isEqualTo(err(Errno.EIO));
        assertThat(policyModeAt(a, p)).isEqualTo(MPOL_DEFAULT);
        assertThat(mbind(p, 4 * PAGE, MPOL_BIND, mask(0), MPOL_MF_STRICT)).isZero();
        assertThat(policyModeAt(a, p)).isEqualTo(MPOL_BIND);
        assertThat(mbind(p, 4 * PAGE, MPOL_DEFAULT, UserMask.NULL, MPOL_MF_STRICT)).as("DEFAULT drops STRICT").isZero();
    }

    // The hole check runs per VMA during the walk: a misplaced page in an earlier VMA is found first.
    // Checked on realkernel 6.12: [rw 2 pages][ro 2 pages][hole][1 page] with BIND {1} STRICT is EIO,
    // while [2 pages][hole][3 pages] is EFAULT (the hole follows the first VMA).
    @Test
    void mbind_STRICT_EIO_in_an_earlier_VMA_beats_a_later_hole() {
        long p = anonTouched(a, 6);
        a.mm().splitRange(p + 2 * PAGE, p + 4 * PAGE);
        ops.munmap(a, p + 4 * PAGE, PAGE);
        assertThat(mbind(p, 6 * PAGE, MPOL_BIND, mask(1), MPOL_MF_STRICT)).isEqualTo(err(Errno.EIO));
        long q = anonTouched(a, 6);
        ops.munmap(a, q + 2 * PAGE, PAGE);
        assertThat(mbind(q, 6 * PAGE, MPOL_BIND, mask(1), MPOL_MF_STRICT)).isEqualTo(err(Errno.EFAULT));
    }

    @Test
    void mbind_sets_the_policy_on_the_range_and_splits_the_VMA() {
        long p = anon(a, 8);
        assertThat(mbind(p + 2 * PAGE, 3 * PAGE, MPOL_BIND, mask(1), 0)).isZero();
        assertThat(a.mm().vmas()).hasSize(3);
        assertThat(vmaPolicy(a, p)).isNull();
        assertThat(vmaPolicy(a, p + 2 * PAGE).nodes()).isEqualTo(NodeMask.of(1));
        assertThat(vmaPolicy(a, p + 5 * PAGE)).isNull();
        assertThat(ops.touch(a, p, 8 * PAGE, true)).isZero();
        assertThat(nodesOf(a, p, 8)).containsExactly(0, 0, 1, 1, 1, 0, 0, 0);
        // the same policy again changes nothing
        assertThat(mbind(p + 2 * PAGE, 3 * PAGE, MPOL_BIND, mask(1), 0)).isZero();
        assertThat(a.mm().vmas()).hasSize(3);
    }

    // len is rounded up to whole pages (checked on realkernel 6.12: len 1 binds exactly one page)
    @Test
    void mbind_len_is_rounded_up_to_a_page() {
        long p = anon(a, 2);
        assertThat(mbind(p, 1, MPOL_BIND, mask(1), 0)).isZero();
        assertThat(policyModeAt(a, p)).isEqualTo(MPOL_BIND);
        assertThat(policyModeAt(a, p + PAGE)).isEqualTo(MPOL_DEFAULT);
    }

    // MPOL_MF_MOVE migrates the misplaced pages; a page that cannot move (pinned) is not an error
    // without STRICT, and is EIO with STRICT after the policy was applied.
    // Checked on realkernel 6.12 with an io_uring-registered page: rc 0, 3 moved, pgmigrate_fail +1;
    // then MOVE|STRICT: EIO, the policy is the new one.
    @Test
    void mbind_MOVE_leaves_a_pinned_page_and_STRICT_turns_that_into_EIO() {
        long p = anonTouched(a, 4);
        pin(a, p + PAGE);
        long failBefore = vmstat(VmStat.PGMIGRATE_FAIL);
        assertThat(mbind(p, 4 * PAGE, MPOL_BIND, mask(1), MPOL_MF_MOVE)).isZero();
        assertThat(nodesOf(a, p, 4)).containsExactly(1, 0, 1, 1);
        assertThat(vmstat(VmStat.PGMIGRATE_FAIL) - failBefore).isEqualTo(1);
        assertThat(mbind(p, 4 * PAGE, MPOL_BIND, mask(2), MPOL_MF_MOVE | MPOL_MF_STRICT)).isEqualTo(err(Errno.EIO));
        assertThat(nodesOf(a, p, 4)).containsExactly(2, 0, 2, 2);
        assertThat(vmaPolicy(a, p).nodes()).isEqualTo(NodeMask.of(2));
        unpin(a, p + PAGE);
    }

    // The walk compares pages against the mask as passed, not the policy: MPOL_DEFAULT and
    // MPOL_LOCAL (empty mask) migrate every page, even local ones, and PREFERRED {0,1} leaves pages
    // on node 0 and 1 alone. Checked on realkernel 6.12 via pgmigrate_success.
    @Test
    void mbind_MOVE_checks_pages_against_the_user_mask() {
        long p = anonTouched(a, 4);
        long ok = vmstat(VmStat.PGMIGRATE_SUCCESS);
        assertThat(mbind(p, 4 * PAGE, MPOL_DEFAULT, UserMask.NULL, MPOL_MF_MOVE)).isZero();
        assertThat(vmstat(VmStat.PGMIGRATE_SUCCESS) - ok).isEqualTo(4);
        assertThat(mbind(p, 4 * PAGE, MPOL_LOCAL, UserMask.NULL, MPOL_MF_MOVE)).isZero();
        assertThat(vmstat(VmStat.PGMIGRATE_SUCCESS) - ok).isEqualTo(8);
        assertThat(nodesOf(a, p, 4)).containsOnly(0);
        assertThat(mbind(p, 4 * PAGE, MPOL_PREFERRED, mask(1, 0), MPOL_MF_MOVE)).isZero();
        assertThat(vmstat(VmStat.PGMIGRATE_SUCCESS) - ok).isEqualTo(8);
        assertThat(mbind(p, 4 * PAGE, MPOL_PREFERRED, mask(1), MPOL_MF_MOVE)).isZero();
        assertThat(nodesOf(a, p, 4)).containsOnly(1);
    }

    // MPOL_DEFAULT + MOVE migrates by the task policy
    @Test
    void mbind_DEFAULT_MOVE_follows_the_task_policy() {
        long p = anonTouched(a, 2);
        numa.setMempolicy(a, MPOL_BIND, mask(2), MAXNODE);
        assertThat(mbind(p, 2 * PAGE, MPOL_DEFAULT, UserMask.NULL, MPOL_MF_MOVE)).isZero();
        assertThat(nodesOf(a, p, 2)).containsOnly(2);
    }

    // MOVE skips pages mapped by several processes (not a failure, even with STRICT); MOVE_ALL
    // moves them. Checked on realkernel 6.12 with a fork()ed child sharing the pages.
    @Test
    void mbind_MOVE_skips_shared_pages_and_MOVE_ALL_moves_them() {
        Task root = k.spawn("root", 0, 0, 0, NICE);
        long p = anonTouched(root, 2);
        Task child = ops.fork(root, "child", 0);
        assertThat(numa.mbind(root, p, 2 * PAGE, MPOL_BIND, mask(1), MAXNODE, MPOL_MF_MOVE | MPOL_MF_STRICT)).isZero();
        assertThat(nodesOf(root, p, 2)).containsOnly(0);
        assertThat(numa.mbind(root, p, 2 * PAGE, MPOL_BIND, mask(1), MAXNODE, MPOL_MF_MOVE_ALL)).isZero();
        assertThat(nodesOf(root, p, 2)).containsOnly(1);
        assertThat(nodesOf(child, p, 2)).as("the child maps the same folios").containsOnly(1);
    }

    // A page that cannot be isolated (off the LRU) counts as a failure
    @Test
    void mbind_page_off_the_LRU_fails_to_queue() {
        long p = anonTouched(a, 2);
        k.memmap().clearFlags(folio(a, p), Memmap.PG_LRU);
        assertThat(mbind(p, 2 * PAGE, MPOL_BIND, mask(1), MPOL_MF_MOVE | MPOL_MF_STRICT)).isEqualTo(err(Errno.EIO));
        assertThat(nodesOf(a, p, 2)).containsExactly(0, 1);
        k.memmap().setFlags(folio(a, p), Memmap.PG_LRU);
    }

    // Moving onto a full node: the kernel's migrate_pages returns -ENOMEM, which mbind ignores
    // without STRICT and turns into EIO with it. Checked on realkernel 6.12 (node 1 filled).
    @Test
    void mbind_MOVE_onto_a_full_node_is_0_or_EIO_with_STRICT() {
        long p = anonTouched(a, 8);
        fill(1);
        assertThat(mbind(p, 8 * PAGE, MPOL_BIND, mask(1), MPOL_MF_MOVE)).isZero();
        assertThat(nodesOf(a, p, 8)).containsOnly(0);
        assertThat(mbind(p, 8 * PAGE, MPOL_BIND, mask(1), MPOL_MF_MOVE | MPOL_MF_STRICT)).isEqualTo(err(Errno.EIO));
    }

    // MOVE with INTERLEAVE places each moved page by its interleave index; pages already on one of
    // the nodes stay
    @Test
    void mbind_MOVE_with_INTERLEAVE_spreads_by_interleave_index() {
        long p = anonTouched(a, 6);
        assertThat(mbind(p, 6 * PAGE, MPOL_INTERLEAVE, mask(0, 1, 2), MPOL_MF_MOVE)).isZero();
        assertThat(nodesOf(a, p, 6)).containsOnly(0);
        assertThat(mbind(p, 6 * PAGE, MPOL_INTERLEAVE, mask(1, 2), MPOL_MF_MOVE)).isZero();
        int[] nodes = nodesOf(a, p, 6);
        for (int i = 0; i < 6; i++) {
            assertThat(nodes[i]).isEqualTo(((p >>> 12) + i) % 2 == 0 ? 1 : 2);
        }
    }

    // mbind on a shared memfd mapping sets the file's shared policy: every mapper sees it
    @Test
    void mbind_on_a_shared_memfd_sets_the_policy_for_every_mapper() {
        ShmemFile f = ops.memfdCreate(a, "shm", 8 * PAGE);
        Task b = k.spawn("b", 0, 2, 1000, Set.of());
        long pa = shared(a, f, 8, 0);
        long pb = shared(b, f, 4, 4);
        assertThat(mbind(pa + 4 * PAGE, 4 * PAGE, MPOL_BIND, mask(2), 0)).isZero();
        assertThat(policyModeAt(a, pa)).isEqualTo(MPOL_DEFAULT);
        assertThat(numa.getMempolicy(b, false, 0, pb, MemPolicy.MPOL_F_ADDR).mode()).isEqualTo(MPOL_BIND);
        assertThat(ops.touch(b, pb, 4 * PAGE, true)).isZero();
        assertThat(nodesOf(b, pb, 4)).containsOnly(2);
        assertThat(nodesOf(a, pa + 4 * PAGE, 4)).as("not faulted in a yet").containsOnly(st(Errno.ENOENT));
        assertThat(ops.touch(a, pa, 8 * PAGE, false)).isZero();
        assertThat(nodesOf(a, pa, 8)).containsExactly(0, 0, 0, 0, 2, 2, 2, 2);
    }

    // A MAP_PRIVATE memfd mapping uses the file's policy too (shmem vm_ops). Checked on realkernel
    // 6.12: mbind BIND {2} through a private mapping is seen by a shared mapping of the file, and
    // both the private copies and the page cache land on node 2.
    @Test
    void mbind_on_a_private_memfd_mapping_sets_the_shared_policy() {
        ShmemFile f = ops.memfdCreate(a, "priv", 4 * PAGE);
        long pv = ops.mmap(a, 0, 4 * PAGE, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE, f, 0, "priv");
        long sh = shared(a, f, 4, 0);
        assertThat(mbind(pv, 4 * PAGE, MPOL_BIND, mask(2), 0)).isZero();
        assertThat(policyModeAt(a, sh)).isEqualTo(MPOL_BIND);
        assertThat(ops.touch(a, pv, 4 * PAGE, true)).isZero();
        assertThat(nodesOf(a, pv, 4)).containsOnly(2);
        assertThat(ops.touch(a, sh, PAGE, false)).isZero();
        assertThat(nodeOf(a, sh)).isEqualTo(2);
    }

    // Splitting a memfd mapping must keep the file's reference count right: after the mapper with
    // the split VMAs exits, the other mapper's pages are still there.
    @Test
    void mbind_split_of_a_memfd_mapping_keeps_the_file_alive_for_other_mappers() {
        Task b = k.spawn("b", 0, 2, 1000, Set.of());
        ShmemFile f = ops.memfdCreate(a, "shm", 8 * PAGE);
        long pa = shared(a, f, 8, 0);
        long pb = shared(b, f, 8, 0);
        assertThat(ops.touch(b, pb, 8 * PAGE, true)).isZero();
        assertThat(mbind(pa + 2 * PAGE, 2 * PAGE, MPOL_BIND, mask(1), 0)).isZero();
        assertThat(a.mm().vmas()).hasSize(3);
        ops.exit(a);
        assertThat(f.cachedPfn(0)).as("b still maps the file").isNotNegative();
        assertThat(nodesOf(b, pb, 8)).containsOnly(1);
    }

    @Test
    void mbind_RELATIVE_policy_shows_the_folded_nodes_on_the_vma() {
        long p = anon(a, 2);
        assertThat(mbind(p, 2 * PAGE, MPOL_BIND | MPOL_F_RELATIVE_NODES, mask(4), 0)).isZero();
        Vma v = a.mm().find(p);
        assertThat(v.policy().nodes()).isEqualTo(NodeMask.of(1));
        assertThat(v.policy().userNodes()).isEqualTo(NodeMask.of(4));
    }
}
