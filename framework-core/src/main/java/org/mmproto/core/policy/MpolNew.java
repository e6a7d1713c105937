package org.mmproto.core.policy;

import static org.mmproto.core.task.MemPolicy.MPOL_BIND;
import static org.mmproto.core.task.MemPolicy.MPOL_DEFAULT;
import static org.mmproto.core.task.MemPolicy.MPOL_F_NUMA_BALANCING;
import static org.mmproto.core.task.MemPolicy.MPOL_F_RELATIVE_NODES;
import static org.mmproto.core.task.MemPolicy.MPOL_F_STATIC_NODES;
import static org.mmproto.core.task.MemPolicy.MPOL_LOCAL;
import static org.mmproto.core.task.MemPolicy.MPOL_MAX;
import static org.mmproto.core.task.MemPolicy.MPOL_MODE_FLAGS;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED_MANY;

import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.core.task.MemPolicy;

/**
 * Building a policy from syscall arguments, in the kernel's three steps:
 * {@code sanitize_mpol_flags} (mode and mode flags), {@code mpol_new} (mode against the mask as
 * given) and {@code mpol_set_nodemask} (the mask in context: user mask AND cpuset mems AND the
 * valid targets, or folded onto that set with MPOL_F_RELATIVE_NODES).
 */
public final class MpolNew {
    /** A mode split from its flags, or a negated errno. */
    public record Mode(int err, int mode, int flags) {
    }

    /** A policy (null = MPOL_DEFAULT) or a negated errno. */
    public record Result(int err, MemPolicy policy) {
        static Result error(Errno e) {
            return new Result(-e.code(), null);
        }
    }

    /** A sanitized mode and the user's nodes, or the first negated errno. */
    public record ModeAndNodes(int err, Mode mode, NodeMask nodes) {
    }

    private MpolNew() {
    }

    /**
     * The common start of set_mempolicy and mbind: sanitize_mpol_flags, then get_nodes; the
     * first failure's errno, in that order.
     */
    static ModeAndNodes modeAndNodes(int modeArg, UserMask nodemask, long maxnode) {
        Mode m = sanitize(modeArg);
        if (m.err() != 0) {
            return new ModeAndNodes(m.err(), m, null);
        }
        NodemaskArgs.In in = NodemaskArgs.getNodes(nodemask, maxnode);
        if (!in.ok()) {
            return new ModeAndNodes(in.err(), m, null);
        }
        return new ModeAndNodes(0, m, in.nodes());
    }

    /**
     * sanitize_mpol_flags: EINVAL for a mode ≥ MPOL_MAX, for STATIC together with RELATIVE, and
     * for NUMA_BALANCING with a mode other than BIND or PREFERRED_MANY (6.12; man-pages 6.03 say
     * BIND only).
     */
    public static Mode sanitize(int modeArg) {
        int flags = modeArg & MPOL_MODE_FLAGS;
        int mode = modeArg & ~MPOL_MODE_FLAGS;
        if (Integer.compareUnsigned(mode, MPOL_MAX) >= 0) {
            return new Mode(-Errno.EINVAL.code(), mode, flags);
        }
        if ((flags & MPOL_F_STATIC_NODES) != 0 && (flags & MPOL_F_RELATIVE_NODES) != 0) {
            return new Mode(-Errno.EINVAL.code(), mode, flags);
        }
        if ((flags & MPOL_F_NUMA_BALANCING) != 0 && mode != MPOL_BIND && mode != MPOL_PREFERRED_MANY) {
            return new Mode(-Errno.EINVAL.code(), mode, flags);
        }
        return new Mode(0, mode, flags);
    }

    /**
     * mpol_new followed by mpol_set_nodemask.
     *
     * @param nodes the user's mask as get_nodes read it
     * @param mems the calling task's cpuset mems
     * @param targets the nodes policies may use ({@link PolicyTargets#mask})
     */
    public static Result create(int mode, int flags, NodeMask nodes, NodeMask mems, NodeMask targets) {
        if (mode == MPOL_DEFAULT) {
            return nodes.isEmpty() ? new Result(0, null) : Result.error(Errno.EINVAL);
        }
        boolean staticOrRelative = (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) != 0;
        if (mode == MPOL_PREFERRED) {
            if (nodes.isEmpty()) {
                if (staticOrRelative) {
                    return Result.error(Errno.EINVAL);
                }
                mode = MPOL_LOCAL;
            }
        } else if (mode == MPOL_LOCAL) {
            if (!nodes.isEmpty() || staticOrRelative) {
                return Result.error(Errno.EINVAL);
            }
        } else if (nodes.isEmpty()) {
            return Result.error(Errno.EINVAL);
        }
        if (mode == MPOL_LOCAL) {
            // neither remapped nor given a mask (mpol_set_nodemask returns early)
            return new Result(0, new MemPolicy(MPOL_LOCAL, flags, NodeMask.NONE, NodeMask.NONE, MemPolicy.NUMA_NO_NODE));
        }
        NodeMask allowed = mems.and(targets);
        NodeMask ctx = (flags & MPOL_F_RELATIVE_NODES) != 0 ? relative(nodes, allowed) : nodes.and(allowed);
        if (ctx.isEmpty()) {
            return Result.error(Errno.EINVAL);
        }
        NodeMask polNodes = mode == MPOL_PREFERRED ? NodeMask.of(ctx.first()) : ctx;
        return new Result(0, new MemPolicy(mode, flags, polNodes, nodes, MemPolicy.NUMA_NO_NODE));
    }

    /** mpol_relative_nodemask: fold the user mask modulo |rel|, then map bit i to the i-th node of rel. */
    static NodeMask relative(NodeMask user, NodeMask rel) {
        int w = rel.weight();
        if (w == 0) {
            return NodeMask.NONE;
        }
        int[] relNodes = rel.toArray();
        NodeMask out = NodeMask.NONE;
        for (int n = user.first(); n >= 0; n = user.next(n)) {
            out = out.with(relNodes[n % w]);
        }
        return out;
    }
}
