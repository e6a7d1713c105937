package org.mmproto.core.policy;

import org.mmproto.core.task.Kernel;
import org.mmproto.core.task.Task;

/**
 * The NUMA system calls with the semantics and errnos of their man pages (and of the 6.12
 * kernel where they disagree). Every method returns what the syscall returns: 0 or a count on
 * success, a negated errno on failure.
 */
public final class NumaSyscalls {
    /** get_mempolicy's outputs: the return value, *mode and the nodemask words (null if NULL was passed). */
    public record GetMempolicyResult(long ret, int mode, long[] nodemask) {
    }

    /** move_pages: the return value and the status array (unwritten entries hold Integer.MIN_VALUE). */
    public record MovePagesResult(long ret, int[] status) {
    }

    private final Kernel k;

    public NumaSyscalls(Kernel k) {
        this.k = k;
    }

    /** set_mempolicy(mode, nodemask, maxnode). */
    public long setMempolicy(Task t, int mode, UserMask nodemask, long maxnode) {
        throw new UnsupportedOperationException("TODO");
    }

    /** get_mempolicy(&mode, nodemask, maxnode, addr, flags); {@code wantMask} = nodemask != NULL. */
    public GetMempolicyResult getMempolicy(Task t, boolean wantMask, long maxnode, long addr, int flags) {
        throw new UnsupportedOperationException("TODO");
    }

    /** mbind(addr, len, mode, nodemask, maxnode, flags). */
    public long mbind(Task t, long addr, long len, int mode, UserMask nodemask, long maxnode, int flags) {
        throw new UnsupportedOperationException("TODO");
    }

    /** migrate_pages(pid, maxnode, old_nodes, new_nodes) called by {@code caller}; pid 0 = caller. */
    public long migratePages(Task caller, int pid, long maxnode, UserMask oldNodes, UserMask newNodes) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * move_pages(pid, count, pages, nodes, status, flags) called by {@code caller}; pid 0 = caller;
     * {@code nodes} null = query mode; {@code pages} entries are user addresses.
     */
    public MovePagesResult movePages(Task caller, int pid, long[] pages, int[] nodes, int flags) {
        throw new UnsupportedOperationException("TODO");
    }

    /** set_mempolicy_home_node(start, len, home_node, flags). */
    public long setMempolicyHomeNode(Task t, long start, long len, long homeNode, long flags) {
        throw new UnsupportedOperationException("TODO");
    }
}
