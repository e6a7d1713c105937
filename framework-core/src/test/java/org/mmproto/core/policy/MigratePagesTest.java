package org.mmproto.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.Task;

/** migrate_pages(2): errors, node pairing and the count of pages not moved. */
class MigratePagesTest extends PolicyTestBase {
    private Task root;

    private long migrate(Task caller, int pid, UserMask from, UserMask to) {
        return numa.migratePages(caller, pid, MAXNODE, from, to);
    }

    private Task root() {
        if (root == null) {
            root = k.spawn("root", 0, 0, 0, NICE);
        }
        return root;
    }

    // migrate_pages(2) ERRORS: ESRCH no process matching pid could be found
    @Test
    void migrate_pages_unknown_pid_is_ESRCH() {
        assertThat(migrate(a, 99999, mask(0), mask(1))).isEqualTo(err(Errno.ESRCH));
    }

    // migrate_pages(2) ERRORS: EPERM insufficient privilege (CAP_SYS_NICE) to move pages of the
    // process specified by pid (checked on realkernel 6.12 as uid 1000 on a root process)
    @Test
    void migrate_pages_of_another_users_process_is_EPERM() {
        Task other = k.spawn("other", 0, 0, 0, Set.of());
        assertThat(migrate(a, other.pid(), mask(0), mask(1))).isEqualTo(err(Errno.EPERM));
        assertThat(migrate(root(), other.pid(), mask(0), mask(1))).isZero();
    }

    // migrate_pages(2) ERRORS: EPERM insufficient privilege (CAP_SYS_NICE) to access the target
    // nodes (new_nodes outside the target's cpuset; checked on realkernel 6.12: 1 -> 5 as uid 1000)
    @Test
    void migrate_pages_new_nodes_outside_the_targets_cpuset_is_EPERM_without_CAP_SYS_NICE() {
        assertThat(migrate(a, 0, mask(1), mask(5))).isEqualTo(err(Errno.EPERM));
        Task b = k.spawn("b", 0, 0, 1000, Set.of());
        b.setMemsAllowed(NodeMask.of(0, 1));
        assertThat(migrate(a, b.pid(), mask(0), mask(2))).isEqualTo(err(Errno.EPERM));
    }

    // migrate_pages(2) ERRORS: EINVAL none of the node IDs specified by new_nodes are on-line and
    // allowed by the process's current cpuset context, or none contain memory. new_nodes is ANDed
    // with the caller's cpuset (checked on realkernel 6.12: root 1 -> 5 is EINVAL; empty new EINVAL)
    @Test
    void migrate_pages_new_nodes_without_allowed_memory_nodes_is_EINVAL() {
        assertThat(migrate(root(), 0, mask(1), mask(5))).isEqualTo(err(Errno.EINVAL));
        assertThat(migrate(root(), 0, mask(0), mask())).isEqualTo(err(Errno.EINVAL));
        assertThat(migrate(root(), 0, UserMask.NULL, UserMask.NULL)).isEqualTo(err(Errno.EINVAL));
        Task b = k.spawn("b", 0, 0, 1000, Set.of());
        a.setMemsAllowed(NodeMask.of(0));
        assertThat(migrate(a, b.pid(), mask(0), mask(1))).as("the caller's cpuset, not the target's").isEqualTo(err(Errno.EINVAL));
    }

    // migrate_pages(2) ERRORS: EINVAL maxnode exceeds a kernel-imposed limit, or a mask names node IDs
    // above the maximum (checked on realkernel 6.12: maxnode 0, and bit 1040 with maxnode 1030)
    @Test
    void migrate_pages_bad_masks_are_EINVAL() {
        assertThat(numa.migratePages(a, 0, 0, mask(1), mask(0))).isEqualTo(err(Errno.EINVAL));
        assertThat(numa.migratePages(a, 0, 32770, mask(1), mask(0))).isEqualTo(err(Errno.EINVAL));
        long[] w = new long[17];
        w[0] = 2;
        w[16] = 1L << 16;
        assertThat(numa.migratePages(a, 0, 1030, UserMask.of(w), mask(0))).isEqualTo(err(Errno.EINVAL));
        assertThat(numa.migratePages(a, 99999, 0, mask(1), mask(0))).as("masks before the pid").isEqualTo(err(Errno.EINVAL));
    }

    // migrate_pages(2) ERRORS: EFAULT old_nodes/new_nodes point outside the accessible address space
    // (checked on realkernel 6.12: before the pid lookup)
    @Test
    void migrate_pages_unreadable_masks_are_EFAULT() {
        assertThat(migrate(a, 99999, UserMask.bad(), mask(0))).isEqualTo(err(Errno.EFAULT));
        assertThat(migrate(a, 0, mask(1), UserMask.bad())).isEqualTo(err(Errno.EFAULT));
    }

    // A task without mm (a zombie) is EINVAL (checked on realkernel 6.12)
    @Test
    void migrate_pages_of_an_exited_task_is_EINVAL() {
        Task b = k.spawn("b", 0, 0, 1000, Set.of());
        ops.exit(b);
        assertThat(migrate(a, b.pid(), mask(0), mask(0, 1))).isEqualTo(err(Errno.EINVAL));
    }

    // The return value counts pages not moved. Checked on realkernel 6.12 with one io_uring-pinned
    // page out of 4: rc 1 (3 moved, pgmigrate_fail +1); once unpinned rc 0.
    @Test
    void migrate_pages_returns_the_number_of_pages_not_moved() {
        long p = anonTouched(a, 4);
        pin(a, p + PAGE);
        assertThat(migrate(a, 0, mask(0), mask(1))).isEqualTo(1);
        assertThat(nodesOf(a, p, 4)).containsExactly(1, 0, 1, 1);
        unpin(a, p + PAGE);
        assertThat(migrate(a, 0, mask(0), mask(1))).isZero();
        assertThat(nodesOf(a, p, 4)).containsOnly(1);
        assertThat(migrate(a, 0, mask(1), mask(1))).isZero();
        assertThat(migrate(a, 0, mask(), mask(0))).as("empty old_nodes: nothing to do").isZero();
        assertThat(migrate(a, 0, UserMask.NULL, mask(0))).isZero();
    }

    // Node pairing (do_migrate_pages). Checked on realkernel 6.12:
    //   {0,1,2} -> {1}: weights differ, 1 is skipped, 0 and 2 go to 1;
    //   {1,2} -> {0,2}: 1 -> 0, 2 stays (node_remap keeps position);
    //   {0,2} -> {2,0}: masks are sets, nothing moves.
    @Test
    void migrate_pages_pairs_nodes_by_position() {
        long p = anonTouched(a, 2);
        long x = anonTouched(a, 2);
        numa.mbind(a, x, 2 * PAGE, MemPolicy.MPOL_BIND, mask(2), MAXNODE, MemPolicy.MPOL_MF_MOVE);
        assertThat(nodesOf(a, x, 2)).containsOnly(2);
        assertThat(migrate(a, 0, mask(0, 1, 2), mask(1))).isZero();
        assertThat(nodesOf(a, p, 2)).containsOnly(1);
        assertThat(nodesOf(a, x, 2)).containsOnly(1);
        numa.mbind(a, x, 2 * PAGE, MemPolicy.MPOL_BIND, mask(2), MAXNODE, MemPolicy.MPOL_MF_MOVE);
        long ok = vmstat(VmStat.PGMIGRATE_SUCCESS);
        assertThat(migrate(a, 0, mask(1, 2), mask(0, 2))).isZero();
        assertThat(nodesOf(a, p, 2)).containsOnly(0);
        assertThat(nodesOf(a, x, 2)).containsOnly(2);
        assertThat(vmstat(VmStat.PGMIGRATE_SUCCESS) - ok).isEqualTo(2);
        assertThat(migrate(a, 0, mask(0, 2), mask(2, 0))).isZero();
        assertThat(vmstat(VmStat.PGMIGRATE_SUCCESS) - ok).isEqualTo(2);
    }

    @Test
    void migrate_pages_node_remap_follows_the_kernel_example() {
        // "[0-7] -> [3,4,5] moves only 0,1,2,6,7" and "[2,3,4] -> [3,4,5] moves everything"
        NodeMask all = NodeMask.parse("0-7");
        NodeMask to = NodeMask.of(3, 4, 5);
        assertThat(MigratePagesCall.nodeRemap(0, all, to)).isEqualTo(3);
        assertThat(MigratePagesCall.nodeRemap(6, all, to)).isEqualTo(3);
        assertThat(MigratePagesCall.nodeRemap(7, all, to)).isEqualTo(4);
        assertThat(MigratePagesCall.nodeRemap(2, NodeMask.of(2, 3, 4), to)).isEqualTo(3);
        assertThat(MigratePagesCall.nodeRemap(9, all, to)).as("not a source").isEqualTo(9);
    }

    // Without CAP_SYS_NICE pages shared with another process stay and do not count (MPOL_MF_MOVE);
    // with it they move (MOVE_ALL). Checked on realkernel 6.12.
    @Test
    void migrate_pages_moves_shared_pages_only_with_CAP_SYS_NICE() {
        long s = anonTouched(a, 2);
        long t = anonTouched(a, 2);
        Task child = ops.fork(a, "child", 0);
        ops.touch(a, t, 2 * PAGE, true); // a's own copies of t
        assertThat(migrate(a, 0, mask(0), mask(1))).isZero();
        assertThat(nodesOf(a, s, 2)).containsOnly(0);
        assertThat(nodesOf(a, t, 2)).containsOnly(1);
        Task nice = k.spawn("nice", 0, 0, 1000, NICE);
        assertThat(migrate(nice, a.pid(), mask(0), mask(2))).isZero();
        assertThat(nodesOf(a, s, 2)).containsOnly(2);
        assertThat(nodesOf(child, s, 2)).containsOnly(2);
    }

    // Destination full: ENOMEM (checked on realkernel 6.12 with node 1 filled)
    @Test
    void migrate_pages_onto_a_full_node_is_ENOMEM() {
        long p = anonTouched(a, 8);
        fill(1);
        assertThat(migrate(a, 0, mask(0), mask(1))).isEqualTo(err(Errno.ENOMEM));
        assertThat(nodesOf(a, p, 8)).containsOnly(0);
    }

    @Test
    void migrate_pages_moves_memfd_page_cache_too() {
        var f = ops.memfdCreate(a, "shm", 4 * PAGE);
        long m = shared(a, f, 4, 0);
        ops.touch(a, m, 4 * PAGE, true);
        assertThat(migrate(a, 0, mask(0), mask(2))).isZero();
        assertThat(nodesOf(a, m, 4)).containsOnly(2);
        assertThat(k.memmap().nid(f.cachedPfn(3))).isEqualTo(2);
    }
}
