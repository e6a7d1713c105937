package org.mmproto.core.syscall;

import java.util.function.Supplier;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.policy.GetMempolicy;
import org.mmproto.core.policy.GetMempolicyResult;
import org.mmproto.core.policy.HomeNode;
import org.mmproto.core.policy.Mbind;
import org.mmproto.core.policy.MigratePagesCall;
import org.mmproto.core.policy.MovePages;
import org.mmproto.core.policy.MovePagesResult;
import org.mmproto.core.policy.PolicyServices;
import org.mmproto.core.policy.SetMempolicy;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.task.FaultHandler;
import org.mmproto.core.task.Task;

/**
 * The NUMA system calls with the semantics and errnos of their man pages (and of the 6.12
 * kernel where they disagree). Every method returns what the syscall returns: 0 or a count on
 * success, a negated errno on failure. Each call is implemented by its own class
 * ({@link SetMempolicy}, {@link GetMempolicy}, {@link Mbind}, {@link MigratePagesCall},
 * {@link MovePages}, {@link HomeNode}); the node-target rule is policy's {@code PolicyTargets}. While a
 * call runs, the private-node dispatcher knows the calling task as the acting task.
 */
public final class NumaSyscalls {
    private final SetMempolicy setMempolicy;
    private final GetMempolicy getMempolicy;
    private final Mbind mbind;
    private final MigratePagesCall migratePages;
    private final MovePages movePages;
    private final HomeNode homeNode;
    private final PolicyServices k;

    public NumaSyscalls(PolicyServices k, FaultHandler faults) {
        this.k = k;
        this.setMempolicy = new SetMempolicy(k);
        this.getMempolicy = new GetMempolicy(k, faults);
        this.mbind = new Mbind(k);
        this.migratePages = new MigratePagesCall(k);
        this.movePages = new MovePages(k);
        this.homeNode = new HomeNode(k);
    }

    /** set_mempolicy(mode, nodemask, maxnode). */
    public long setMempolicy(Task t, int mode, UserMask nodemask, long maxnode) {
        return failed("set_mempolicy", t, as(t, () -> setMempolicy.call(t, mode, nodemask, maxnode)));
    }

    /** get_mempolicy(&mode, nodemask, maxnode, addr, flags); {@code wantMask} = nodemask != NULL. */
    public GetMempolicyResult getMempolicy(Task t, boolean wantMask, long maxnode, long addr, int flags) {
        return as(t, () -> getMempolicy.call(t, wantMask, maxnode, addr, flags));
    }

    /** mbind(addr, len, mode, nodemask, maxnode, flags). */
    public long mbind(Task t, long addr, long len, int mode, UserMask nodemask, long maxnode, int flags) {
        return failed("mbind", t, as(t, () -> mbind.call(t, addr, len, mode, nodemask, maxnode, flags)));
    }

    /** migrate_pages(pid, maxnode, old_nodes, new_nodes) called by {@code caller}; pid 0 = caller. */
    public long migratePages(Task caller, int pid, long maxnode, UserMask oldNodes, UserMask newNodes) {
        return failed("migrate_pages", caller,
                as(caller, () -> migratePages.call(caller, pid, maxnode, oldNodes, newNodes)));
    }

    /**
     * move_pages(pid, count, pages, nodes, status, flags) called by {@code caller}; pid 0 = caller;
     * {@code nodes} null = query mode; {@code pages} entries are user addresses.
     */
    public MovePagesResult movePages(Task caller, int pid, long[] pages, int[] nodes, int flags) {
        return as(caller, () -> movePages.call(caller, pid, pages, nodes, flags));
    }

    /** set_mempolicy_home_node(start, len, home_node, flags). */
    public long setMempolicyHomeNode(Task t, long start, long len, long homeNode, long flags) {
        return as(t, () -> this.homeNode.call(t, start, len, homeNode, flags));
    }

    /** Runs a call with the dispatcher's acting task set to the caller. */
    /** A failed call at debug on mm.mempolicy (a return below 0 is -errno). */
    private static long failed(String call, Task t, long ret) {
        if (ret < 0) {
            org.mmproto.core.trace.Log.MEMPOLICY.logger().debug("{}: {} (pid {})", call,
                    org.mmproto.api.Errno.fromCode((int) -ret), t.ref().pid());
        }
        return ret;
    }

    private <R> R as(Task t, Supplier<R> call) {
        Dispatcher d = k.core().dispatcher();
        if (d == null) {
            return call.get();
        }
        TaskRef prev = d.enter(t.ref());
        try {
            return call.get();
        } finally {
            d.enter(prev);
        }
    }
}
