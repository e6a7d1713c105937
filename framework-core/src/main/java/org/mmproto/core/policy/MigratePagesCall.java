package org.mmproto.core.policy;

import static org.mmproto.core.task.MemPolicy.MPOL_MF_MOVE;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_MOVE_ALL;

import java.util.List;
import org.mmproto.api.Errno;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.NodeMask;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * migrate_pages(pid, maxnode, old_nodes, new_nodes): kernel_migrate_pages + do_migrate_pages.
 *
 * <p>Order: both masks are copied in (EINVAL, EFAULT); unknown pid ESRCH; another user's task
 * without CAP_SYS_NICE EPERM; new_nodes outside the target's cpuset without CAP_SYS_NICE EPERM;
 * new_nodes is then ANDed with the caller's cpuset and the valid targets
 * ({@link PolicyTargets}), and an empty result is EINVAL; a task without mm is EINVAL.
 *
 * <p>Pairs (source, destination) come from node_remap of old onto new, preferring a destination
 * that is not itself still a source; when the masks differ in weight, a source that is also in
 * new is skipped. Each pair migrates every folio of the task on the source node (MOVE_ALL when
 * the caller has CAP_SYS_NICE, else shared folios stay and do not count) to the destination
 * alone (__GFP_THISNODE, MR_SYSCALL). The result is the number of folios not moved, or the first
 * negative error (ENOMEM when a destination is full; checked on realkernel 6.12).
 */
public final class MigratePagesCall {
    private final PolicyServices k;

    public MigratePagesCall(PolicyServices k) {
        this.k = k;
    }

    public long call(Task caller, int pid, long maxnode, UserMask oldNodes, UserMask newNodes) {
        NodemaskArgs.In from = NodemaskArgs.getNodes(oldNodes, maxnode);
        if (!from.ok()) {
            return from.err();
        }
        NodemaskArgs.In to = NodemaskArgs.getNodes(newNodes, maxnode);
        if (!to.ok()) {
            return to.err();
        }
        TaskAccess.Found f = TaskAccess.find(k, caller, pid);
        if (f.err() != 0) {
            return f.err();
        }
        Task task = f.task();
        boolean nice = caller.capable(Task.CAP_SYS_NICE);
        if (!to.nodes().isSubsetOf(task.memsAllowed()) && !nice) {
            return -Errno.EPERM.code();
        }
        NodeMask dest = to.nodes().and(caller.memsAllowed()).and(PolicyTargets.mask(k, to.nodes()));
        if (dest.isEmpty()) {
            return -Errno.EINVAL.code();
        }
        if (task.mm() == null) {
            return -Errno.EINVAL.code();
        }
        return doMigratePages(caller, task.mm(), from.nodes(), dest, nice ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE);
    }

    /** do_migrate_pages: the number of folios not migrated, or a negative error. */
    private long doMigratePages(Task caller, Mm mm, NodeMask from, NodeMask to, int flags) {
        long nrFailed = 0;
        NodeMask tmp = from;
        boolean sameWeight = from.weight() == to.weight();
        while (!tmp.isEmpty()) {
            int source = MemPolicy.NUMA_NO_NODE;
            int dest = 0;
            for (int s = tmp.first(); s >= 0; s = tmp.next(s)) {
                if (!sameWeight && to.contains(s)) {
                    continue;
                }
                int d = nodeRemap(s, from, to);
                if (s == d) {
                    continue;
                }
                source = s;
                dest = d;
                if (!tmp.contains(dest)) {
                    break;
                }
            }
            if (source == MemPolicy.NUMA_NO_NODE) {
                break;
            }
            tmp = tmp.andNot(NodeMask.of(source));
            long err = migrateToNode(caller, mm, source, dest, flags);
            if (err < 0) {
                return err;
            }
            nrFailed += err;
        }
        return Math.min(nrFailed, Integer.MAX_VALUE);
    }

    /** node_remap: the node of new at the position oldbit has in old (modulo new's weight). */
    static int nodeRemap(int oldbit, NodeMask old, NodeMask nw) {
        int w = nw.weight();
        if (!old.contains(oldbit) || w == 0) {
            return oldbit;
        }
        int pos = 0;
        for (int n = old.first(); n != oldbit; n = old.next(n)) {
            pos++;
        }
        int[] nodes = nw.toArray();
        return nodes[pos % w];
    }

    /** migrate_to_node: the folios not migrated (unqueueable ones included), or a negative error. */
    private long migrateToNode(Task caller, Mm mm, int source, int dest, int flags) {
        List<Vma> vmas = mm.vmas();
        if (vmas.isEmpty()) {
            return 0;
        }
        QueuePages.Result q = QueuePages.run(k, mm, vmas.get(0).start(), Mm.TASK_SIZE, NodeMask.of(source),
                flags | QueuePages.MPOL_MF_DISCONTIG_OK);
        long err = 0;
        if (!q.queued().isEmpty()) {
            err = MigrateBatch.migrate(k, q.heads(), dest, MigrationTargets.thisNode(k, caller, dest, MigrateReason.MR_SYSCALL), MigrateReason.MR_SYSCALL).ret();
        }
        return err >= 0 ? err + q.nrFailed() : err;
    }
}
