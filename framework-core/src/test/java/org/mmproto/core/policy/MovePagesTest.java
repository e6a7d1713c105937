package org.mmproto.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_MOVE;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_MOVE_ALL;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_STRICT;

import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;

/** move_pages(2): call errors, per-page status and the return value of 6.12. */
class MovePagesTest extends PolicyTestBase {
    private static final int UNWRITTEN = Integer.MIN_VALUE;

    private MovePagesResult move(Task t, long base, int... nodes) {
        return numa.movePages(t, 0, pages(base, nodes.length), nodes, MPOL_MF_MOVE);
    }

    // move_pages(2) ERRORS: EINVAL flags other than MPOL_MF_MOVE and MPOL_MF_MOVE_ALL
    // (checked on realkernel 6.12: 8 and MPOL_MF_STRICT are EINVAL, 0 is accepted and moves)
    @Test
    void move_pages_flags_other_than_MOVE_are_EINVAL() {
        long p = anonTouched(a, 2);
        assertThat(numa.movePages(a, 0, pages(p, 2), new int[] {1, 1}, 8).ret()).isEqualTo(err(Errno.EINVAL));
        MovePagesResult r = numa.movePages(a, 0, pages(p, 2), new int[] {1, 1}, MPOL_MF_STRICT);
        assertThat(r.ret()).isEqualTo(err(Errno.EINVAL));
        assertThat(r.status()).containsOnly(UNWRITTEN);
        r = numa.movePages(a, 0, pages(p, 2), new int[] {1, 1}, 0);
        assertThat(r.ret()).isZero();
        assertThat(r.status()).containsExactly(1, 1);
    }

    // move_pages(2) ERRORS: EPERM the caller specified MPOL_MF_MOVE_ALL without CAP_SYS_NICE
    @Test
    void move_pages_MOVE_ALL_without_CAP_SYS_NICE_is_EPERM() {
        long p = anonTouched(a, 1);
        assertThat(numa.movePages(a, 0, pages(p, 1), new int[] {1}, MPOL_MF_MOVE_ALL).ret()).isEqualTo(err(Errno.EPERM));
    }

    // move_pages(2) ERRORS: ESRCH process does not exist
    @Test
    void move_pages_unknown_pid_is_ESRCH() {
        assertThat(numa.movePages(a, 99999, new long[] {0x1000}, new int[] {1}, MPOL_MF_MOVE).ret())
                .isEqualTo(err(Errno.ESRCH));
        assertThat(numa.movePages(a, 99999, new long[] {0x1000}, new int[] {1}, 8).ret())
                .as("flags are checked first").isEqualTo(err(Errno.EINVAL));
    }

    // move_pages(2) ERRORS: EPERM the caller attempted to move pages of a process belonging to
    // another user without CAP_SYS_NICE (checked on realkernel 6.12 as uid 1000 on a root process)
    @Test
    void move_pages_of_another_users_process_is_EPERM_without_CAP_SYS_NICE() {
        Task other = k.spawn("other", 0, 0, 0, Set.of());
        long p = anonTouched(other, 1);
        assertThat(numa.movePages(a, other.pid(), pages(p, 1), new int[] {1}, MPOL_MF_MOVE).ret()).isEqualTo(err(Errno.EPERM));
        Task nice = k.spawn("nice", 0, 0, 1000, NICE);
        MovePagesResult r = numa.movePages(nice, other.pid(), pages(p, 1), new int[] {1}, MPOL_MF_MOVE);
        assertThat(r.ret()).isZero();
        assertThat(nodeOf(other, p)).isEqualTo(1);
    }

    // A task of the same user can be acted on by pid, and its cpuset decides EACCES
    @Test
    void move_pages_of_a_same_user_process_by_pid() {
        Task b = k.spawn("b", 0, 2, 1000, Set.of());
        long p = anonTouched(b, 2);
        MovePagesResult r = numa.movePages(a, b.pid(), pages(p, 2), null, 0);
        assertThat(r.status()).containsExactly(1, 1);
        r = numa.movePages(a, b.pid(), pages(p, 2), new int[] {0, 2}, MPOL_MF_MOVE);
        assertThat(r.ret()).isZero();
        assertThat(nodesOf(b, p, 2)).containsExactly(0, 2);
    }

    // move_pages(2) ERRORS: EINVAL ... an attempt was made to migrate pages of a kernel thread;
    // the kernel returns EINVAL for any task without an mm (checked on realkernel 6.12: a zombie)
    @Test
    void move_pages_of_an_exited_task_is_EINVAL() {
        Task b = k.spawn("b", 0, 0, 1000, Set.of());
        ops.exit(b);
        assertThat(numa.movePages(a, b.pid(), new long[] {0x1000}, new int[] {1}, MPOL_MF_MOVE).ret()).isEqualTo(err(Errno.EINVAL));
    }

    // move_pages(2) ERRORS: ENODEV one of the target nodes is not online (6.12: a node < 0,
    // >= MAX_NUMNODES or without memory). It ends the call at that entry; what came before still
    // moves. Checked on realkernel 6.12 with nodes {1,7,1} and {1,-1,1}: ENODEV, status {1, -, -}.
    @Test
    void move_pages_to_a_node_without_memory_is_ENODEV_after_moving_the_earlier_entries() {
        long p = anonTouched(a, 3);
        MovePagesResult r = move(a, p, 1, 7, 1);
        assertThat(r.ret()).isEqualTo(err(Errno.ENODEV));
        assertThat(r.status()).containsExactly(1, UNWRITTEN, UNWRITTEN);
        assertThat(nodesOf(a, p, 3)).containsExactly(1, 0, 0);
        assertThat(move(a, p, 1, -1, 1).ret()).isEqualTo(err(Errno.ENODEV));
        assertThat(move(a, p, 1024).ret()).isEqualTo(err(Errno.ENODEV));
        assertThat(move(a, p, 3).ret()).isEqualTo(err(Errno.ENODEV));
    }

    // move_pages(2) ERRORS: EACCES one of the target nodes is not allowed by the current cpuset
    @Test
    void move_pages_to_a_node_outside_the_cpuset_is_EACCES() {
        long p = anonTouched(a, 2);
        a.setMemsAllowed(NodeMask.of(0, 1));
        MovePagesResult r = move(a, p, 1, 2);
        assertThat(r.ret()).isEqualTo(err(Errno.EACCES));
        assertThat(r.status()).containsExactly(1, UNWRITTEN);
    }

    // move_pages(2) ERRORS: EFAULT parameter array could not be accessed (here: nodes shorter than pages)
    @Test
    void move_pages_short_nodes_array_is_EFAULT() {
        long p = anonTouched(a, 2);
        MovePagesResult r = numa.movePages(a, 0, pages(p, 2), new int[] {1}, MPOL_MF_MOVE);
        assertThat(r.ret()).isEqualTo(err(Errno.EFAULT));
        assertThat(r.status()).containsExactly(1, UNWRITTEN);
    }

    // move_pages(2) ERRORS: E2BIG is documented but not generated since Linux 2.6.29
    @Test
    void move_pages_many_pages_are_not_E2BIG() {
        long p = anonTouched(a, 600);
        int[] nodes = new int[600];
        Arrays.fill(nodes, 1);
        assertThat(numa.movePages(a, 0, pages(p, 600), nodes, MPOL_MF_MOVE).ret()).isZero();
        assertThat(numa.movePages(a, 0, new long[0], new int[0], MPOL_MF_MOVE).ret()).isZero();
    }

    @Test
    void move_pages_moves_batches_to_each_node() {
        // checked on realkernel 6.12: nodes {1,1,2,2,0} -> rc 0, status {1,1,2,2,0}
        long p = anonTouched(a, 5);
        long ok = vmstat(VmStat.PGMIGRATE_SUCCESS);
        MovePagesResult r = move(a, p, 1, 1, 2, 2, 0);
        assertThat(r.ret()).isZero();
        assertThat(r.status()).containsExactly(1, 1, 2, 2, 0);
        assertThat(nodesOf(a, p, 5)).containsExactly(1, 1, 2, 2, 0);
        assertThat(vmstat(VmStat.PGMIGRATE_SUCCESS) - ok).isEqualTo(4);
    }

    // Per-page status: a page, the zero page (-EFAULT), a page never faulted (-ENOENT), no VMA
    // (-EFAULT). Checked on realkernel 6.12: rc 0, status {1, -14, -2, -14}.
    @Test
    void move_pages_status_for_zero_page_absent_page_and_no_VMA() {
        long p = anon(a, 4);
        ops.touch(a, p, PAGE, true);
        ops.touch(a, p + PAGE, PAGE, false);
        ops.munmap(a, p + 3 * PAGE, PAGE);
        MovePagesResult r = move(a, p, 1, 1, 1, 1);
        assertThat(r.ret()).isZero();
        assertThat(r.status()).containsExactly(1, st(Errno.EFAULT), st(Errno.ENOENT), st(Errno.EFAULT));
    }

    // Already on the target node: status is the node, nothing migrates (checked on realkernel 6.12)
    @Test
    void move_pages_already_on_the_node_reports_it_without_migrating() {
        long p = anonTouched(a, 3);
        long ok = vmstat(VmStat.PGMIGRATE_SUCCESS);
        MovePagesResult r = move(a, p, 0, 0, 0);
        assertThat(r.ret()).isZero();
        assertThat(r.status()).containsExactly(0, 0, 0);
        assertThat(vmstat(VmStat.PGMIGRATE_SUCCESS)).isEqualTo(ok);
    }

    // A page mapped by several processes is -EACCES without MOVE_ALL; MOVE_ALL (CAP_SYS_NICE)
    // moves it. Checked on realkernel 6.12 with a fork()ed child: {-13,-13}, then {1,1}.
    @Test
    void move_pages_shared_page_is_EACCES_without_MOVE_ALL() {
        Task root = k.spawn("root", 0, 0, 0, NICE);
        long p = anonTouched(root, 2);
        Task child = ops.fork(root, "child", 0);
        MovePagesResult r = move(root, p, 1, 1);
        assertThat(r.ret()).isZero();
        assertThat(r.status()).containsExactly(st(Errno.EACCES), st(Errno.EACCES));
        r = numa.movePages(root, 0, pages(p, 2), new int[] {1, 1}, MPOL_MF_MOVE_ALL);
        assertThat(r.ret()).isZero();
        assertThat(r.status()).containsExactly(1, 1);
        assertThat(nodesOf(child, p, 2)).containsExactly(1, 1);
    }

    // A page that cannot be isolated is -EBUSY; so is the same page twice in one batch.
    // Checked on realkernel 6.12: pages {p, p, p+1} to node 1 -> rc 0, status {1, -16, 1}.
    @Test
    void move_pages_page_that_cannot_be_isolated_is_EBUSY() {
        long p = anonTouched(a, 2);
        MovePagesResult r = numa.movePages(a, 0, new long[] {p, p, p + PAGE}, new int[] {1, 1, 1}, MPOL_MF_MOVE);
        assertThat(r.ret()).isZero();
        assertThat(r.status()).containsExactly(1, st(Errno.EBUSY), 1);
        k.memmap().clearFlags(folio(a, p), Memmap.PG_LRU);
        r = move(a, p, 0);
        assertThat(r.status()).containsExactly(st(Errno.EBUSY));
        k.memmap().setFlags(folio(a, p), Memmap.PG_LRU);
    }

    // 6.12: a batch with a page that fails to migrate stops the call. Its status entries stay
    // unwritten and the return value is its failures plus every entry not yet looked at.
    // Checked on realkernel 6.12 with page 2 pinned (io_uring fixed buffer):
    //   nodes {1,1,1,1,1,1}: rc 1, status all unwritten, the other 5 pages moved, pgmigrate_fail +1;
    //   nodes {1,1,1,0,1,1}: rc 4 (1 + 6 - 3), pages 3-5 untouched.
    @Test
    void move_pages_failed_batch_stops_the_call_and_counts_untried_entries() {
        long p = anonTouched(a, 6);
        pin(a, p + 2 * PAGE);
        long fail = vmstat(VmStat.PGMIGRATE_FAIL);
        MovePagesResult r = move(a, p, 1, 1, 1, 1, 1, 1);
        assertThat(r.ret()).isEqualTo(1);
        assertThat(r.status()).containsOnly(UNWRITTEN);
        assertThat(nodesOf(a, p, 6)).containsExactly(1, 1, 0, 1, 1, 1);
        assertThat(vmstat(VmStat.PGMIGRATE_FAIL) - fail).isEqualTo(1);
        unpin(a, p + 2 * PAGE);

        long q = anonTouched(a, 6);
        pin(a, q + 2 * PAGE);
        r = move(a, q, 1, 1, 1, 0, 1, 1);
        assertThat(r.ret()).isEqualTo(4);
        assertThat(r.status()).containsOnly(UNWRITTEN);
        assertThat(nodesOf(a, q, 6)).containsExactly(1, 1, 0, 0, 0, 0);
        unpin(a, q + 2 * PAGE);
    }

    // An entry that is not queued (here absent: -ENOENT) flushes the batch before it; if that batch
    // fails the entry is not counted twice. Checked on realkernel 6.12: page 2 pinned, page 4
    // absent, nodes all 1 -> rc 2 (1 + 6 - 4 - 1), status {-, -, -, -, -2, -}.
    // And a single-entry first batch that fails: rc 6 (1 + 6 - 1), nothing else tried.
    @Test
    void move_pages_status_of_an_unqueued_entry_survives_a_failing_batch() {
        long p = anonTouched(a, 6);
        ops.madvise(a, p + 4 * PAGE, PAGE, MmOps.MADV_DONTNEED);
        pin(a, p + 2 * PAGE);
        MovePagesResult r = move(a, p, 1, 1, 1, 1, 1, 1);
        assertThat(r.ret()).isEqualTo(2);
        assertThat(r.status()).containsExactly(UNWRITTEN, UNWRITTEN, UNWRITTEN, UNWRITTEN, st(Errno.ENOENT), UNWRITTEN);
        assertThat(nodesOf(a, p, 6)).containsExactly(1, 1, 0, 1, st(Errno.ENOENT), 0);
        unpin(a, p + 2 * PAGE);

        long q = anonTouched(a, 6);
        pin(a, q);
        r = move(a, q, 1, 2, 2, 2, 2, 2);
        assertThat(r.ret()).isEqualTo(6);
        assertThat(nodesOf(a, q, 6)).containsOnly(0);
        unpin(a, q);
    }

    // Target node full: the kernel's migrate_pages returns -ENOMEM and move_pages returns ENOMEM;
    // what fitted stays moved, no status is written. Checked on realkernel 6.12 (node 1 filled to its
    // watermark, 4096 pages asked: ENOMEM, 1412 moved, all status unwritten, pgmigrate_fail +1).
    @Test
    void move_pages_onto_a_full_node_is_ENOMEM() {
        int N = 1024; // more than the freed pages and what the per-cpu lists held when the node filled
        long p = anonTouched(a, N);
        Task hog = fill(1);
        ops.munmap(hog, hog.mm().vmas().get(0).start(), 16 * PAGE);
        // the freed pages sit on the per-cpu lists; the slow path drains them only after reclaim
        // made progress (none here, no swap), so put them back in the buddy as vmstat work would
        k.alloc().drainAllPages();
        int[] nodes = new int[N];
        Arrays.fill(nodes, 1);
        long fail = vmstat(VmStat.PGMIGRATE_FAIL);
        MovePagesResult r = numa.movePages(a, 0, pages(p, N), nodes, MPOL_MF_MOVE);
        assertThat(r.ret()).isEqualTo(err(Errno.ENOMEM));
        assertThat(r.status()).containsOnly(UNWRITTEN);
        int[] now = nodesOf(a, p, N);
        int moved = 0;
        while (moved < N && now[moved] == 1) {
            moved++;
        }
        assertThat(moved).isBetween(1, N - 1);
        for (int i = moved; i < N; i++) {
            assertThat(now[i]).as("page %d", i).isZero();
        }
        assertThat(vmstat(VmStat.PGMIGRATE_FAIL) - fail).isEqualTo(1);
    }

    // Query mode (nodes NULL): the node, -EFAULT for no VMA or the zero page, -ENOENT for a page
    // not present (checked on realkernel 6.12)
    @Test
    void move_pages_query_mode_reports_nodes_and_errors() {
        long p = anon(a, 4);
        ops.touch(a, p, PAGE, true);
        ops.touch(a, p + PAGE, PAGE, false);
        ops.munmap(a, p + 3 * PAGE, PAGE);
        MovePagesResult r = numa.movePages(a, 0, pages(p, 4), null, 0);
        assertThat(r.ret()).isZero();
        assertThat(r.status()).containsExactly(0, st(Errno.EFAULT), st(Errno.ENOENT), st(Errno.EFAULT));
        assertThat(numa.movePages(a, 0, new long[] {p + 5}, null, 0).status()).as("any address in the page").containsExactly(0);
    }

    // THP: one folio for all its pages; moving it moves the whole folio. A second page of the same
    // THP in the batch finds the folio already isolated: -EBUSY, as for the same page twice.
    @Test
    void move_pages_moves_a_THP_as_one_folio() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        long p = anon(a, 512);
        assertThat(ops.touch(a, p, 512 * PAGE, true)).isZero();
        assertThat(k.memmap().order(folio(a, p))).isEqualTo(9);
        MovePagesResult r = numa.movePages(a, 0, new long[] {p + 7 * PAGE, p + 9 * PAGE}, new int[] {1, 1}, MPOL_MF_MOVE);
        assertThat(r.ret()).isZero();
        assertThat(r.status()).containsExactly(1, st(Errno.EBUSY));
        assertThat(nodesOf(a, p, 512)).containsOnly(1);
        assertThat(k.memmap().order(folio(a, p))).isEqualTo(9);
    }
}
