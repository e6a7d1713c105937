package org.mmproto.core.policy;

import static org.mmproto.core.task.MemPolicy.MPOL_MF_MOVE;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_MOVE_ALL;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mmproto.api.Errno;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.NodeMask;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * move_pages(pid, count, pages, nodes, status, flags): kernel_move_pages with do_pages_move and
 * do_pages_stat.
 *
 * <p>Call errors in order: flags other than MOVE/MOVE_ALL (EINVAL), MOVE_ALL without
 * CAP_SYS_NICE (EPERM), unknown pid (ESRCH), another user's task without CAP_SYS_NICE (EPERM),
 * a task without mm (EINVAL). Then per entry: a target node outside 0..MAX_NUMNODES-1 or not a
 * valid target ({@link PolicyTargets}) is ENODEV and a node outside the task's cpuset EACCES;
 * both end the call at that entry (what was queued before it is still migrated).
 *
 * <p>Consecutive entries with the same node form a batch, migrated together to that node
 * (__GFP_THISNODE, MR_SYSCALL) when the node changes, when an entry is not queued (already there,
 * or a lookup error that goes into its status) and at the end. A batch that does not migrate
 * completely ends the call: its status entries stay unwritten and the return value is its
 * number of failed folios plus every entry not yet looked at; if a target allocation failed the
 * call returns ENOMEM instead (checked on realkernel 6.12). Status values: the node, -EFAULT (no
 * VMA, zero page), -ENOENT (not present, or on a node the syscalls do not see), -EACCES (shared
 * without MOVE_ALL), -EBUSY (cannot be isolated).
 */
public final class MovePages {
    private final PolicyServices k;

    public MovePages(PolicyServices k) {
        this.k = k;
    }

    public MovePagesResult call(Task caller, int pid, long[] pages, int[] nodes, int flags) {
        int[] status = new int[pages.length];
        Arrays.fill(status, Integer.MIN_VALUE);
        if ((flags & ~(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) != 0) {
            return done(-Errno.EINVAL.code(), status);
        }
        if ((flags & MPOL_MF_MOVE_ALL) != 0 && !caller.capable(Task.CAP_SYS_NICE)) {
            return done(-Errno.EPERM.code(), status);
        }
        TaskAccess.Found f = TaskAccess.find(k, caller, pid);
        if (f.err() != 0) {
            return done(f.err(), status);
        }
        Task target = f.task();
        if (target.mm() == null) {
            return done(-Errno.EINVAL.code(), status);
        }
        if (nodes == null) {
            stat(target.mm(), pages, status);
            return done(0, status);
        }
        long ret = new Move(caller, target, pages, nodes, status, (flags & MPOL_MF_MOVE_ALL) != 0).run();
        return done(ret, status);
    }

    private static MovePagesResult done(long ret, int[] status) {
        return new MovePagesResult(ret, status);
    }

    /** do_pages_stat: where each page is. */
    private void stat(Mm mm, long[] pages, int[] status) {
        Memmap memmap = k.core().memmap();
        for (int i = 0; i < pages.length; i++) {
            Vma vma = mm.find(pages[i]);
            if (vma == null) {
                status[i] = -Errno.EFAULT.code();
                continue;
            }
            long pte = vma.pte(pages[i] & -Mm.PAGE_SIZE);
            if (!Pte.present(pte)) {
                status[i] = -Errno.ENOENT.code();
            } else if (!UserFolios.mapsFolio(pte)) {
                status[i] = -Errno.EFAULT.code();
            } else {
                long head = k.rmap().headOf(Pte.pfn(pte));
                int nid = memmap.nid(head);
                status[i] = PolicyTargets.folioVisible(k, head, nid) ? nid : -Errno.ENOENT.code();
            }
        }
    }

    /** do_pages_move for one call. */
    private final class Move {
        private final Task caller;
        private final Mm mm;
        private final NodeMask taskNodes;
        private final long[] pages;
        private final int[] nodes;
        private final int[] status;
        private final boolean migrateAll;
        private final List<Long> pagelist = new ArrayList<>();
        private final Set<Long> isolated = new HashSet<>();
        private final Map<Long, Boolean> decided = new HashMap<>();

        Move(Task caller, Task target, long[] pages, int[] nodes, int[] status, boolean migrateAll) {
            this.caller = caller;
            this.mm = target.mm();
            this.taskNodes = target.memsAllowed();
            this.pages = pages;
            this.nodes = nodes;
            this.status = status;
            this.migrateAll = migrateAll;
        }

        long run() {
            int n = pages.length;
            int currentNode = MemPolicy.NUMA_NO_NODE;
            int start = 0;
            long err = 0;
            int i;
            for (i = 0; i < n; i++) {
                if (i >= nodes.length) {
                    err = -Errno.EFAULT.code(); // get_user(node, nodes + i) faults
                    break;
                }
                int node = nodes[i];
                if (node < 0 || node >= NodeMask.MAX_NUMNODES || !PolicyTargets.allowed(k, node)) {
                    err = -Errno.ENODEV.code();
                    break;
                }
                if (!taskNodes.contains(node)) {
                    err = -Errno.EACCES.code();
                    break;
                }
                if (currentNode == MemPolicy.NUMA_NO_NODE) {
                    currentNode = node;
                    start = i;
                } else if (node != currentNode) {
                    err = flush(currentNode, start, i);
                    if (err != 0) {
                        return err;
                    }
                    start = i;
                    currentNode = node;
                }
                int r = add(pages[i], currentNode);
                if (r > 0) {
                    continue;
                }
                status[i] = r == 0 ? currentNode : r;
                err = flush(currentNode, start, i);
                if (err != 0) {
                    return err > 0 ? err - 1 : err; // entry i is already accounted for
                }
                currentNode = MemPolicy.NUMA_NO_NODE;
            }
            long err1 = flush(currentNode, start, i);
            return err >= 0 ? err1 : err;
        }

        /** add_folio_for_migration: 1 queued, 0 already on node, or -errno for the status. */
        private int add(long addr, int node) {
            Vma vma = mm.find(addr);
            if (vma == null) {
                return -Errno.EFAULT.code();
            }
            long pte = vma.pte(addr & -Mm.PAGE_SIZE);
            if (!Pte.present(pte)) {
                return -Errno.ENOENT.code();
            }
            if (!UserFolios.mapsFolio(pte)) {
                return -Errno.EFAULT.code(); // the zero page
            }
            Memmap memmap = k.core().memmap();
            long head = k.rmap().headOf(Pte.pfn(pte));
            int nid = memmap.nid(head);
            // one Site.MIGRATE_SOURCE decision per folio per call, whatever the number of its pages listed
            Boolean visible = decided.get(head);
            if (visible == null) {
                visible = PolicyTargets.folioVisible(k, head, nid, node); // before the same-node check, as the kernel
                decided.put(head, visible);
            }
            if (!visible) {
                return -Errno.ENOENT.code();
            }
            if (nid == node) {
                return 0;
            }
            if (UserFolios.likelyShared(memmap, head) && !migrateAll) {
                return -Errno.EACCES.code();
            }
            if (UserFolios.onLru(memmap, head) && isolated.add(head)) {
                pagelist.add(head);
                return 1;
            }
            return -Errno.EBUSY.code();
        }

        /**
         * move_pages_and_store_status: migrates the batch [start, i) to node; on full success
         * writes node into its status entries and returns 0, else returns the failures plus the
         * entries from i on (or -ENOMEM).
         */
        private long flush(int node, int start, int i) {
            if (pagelist.isEmpty()) {
                return 0;
            }
            List<Long> batch = List.copyOf(pagelist);
            pagelist.clear();
            isolated.clear();
            MigrateBatch.Result r = MigrateBatch.migrate(k, batch, node, MigrationTargets.thisNode(k, caller, node, MigrateReason.MR_SYSCALL),
                    MigrateReason.MR_SYSCALL);
            if (r.ret() != 0) {
                return r.ret() > 0 ? r.ret() + (pages.length - i) : r.ret();
            }
            for (int j = start; j < i; j++) {
                status[j] = node;
            }
            return 0;
        }
    }

}
