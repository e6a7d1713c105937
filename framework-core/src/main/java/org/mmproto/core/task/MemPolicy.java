package org.mmproto.core.task;

import org.mmproto.api.NodeMask;

/**
 * {@code struct mempolicy}: a mode with its user-visible mode flags, the effective nodes, the
 * nodes the user passed (kept for MPOL_F_STATIC_NODES/RELATIVE_NODES and get_mempolicy), and the
 * home node (-1 = NUMA_NO_NODE). Immutable; tasks and VMAs share instances.
 *
 * <p>{@code nodes} is the mask in context (user mask AND cpuset mems AND the valid targets, or
 * folded with RELATIVE; PREFERRED keeps one node; LOCAL none). {@code userNodes} is what the user
 * passed; the kernel keeps and reports it only when a mode flag is set (STATIC, RELATIVE or
 * NUMA_BALANCING), so get_mempolicy and policy's {@code MpolEqual} look at it only then.
 */
public record MemPolicy(int mode, int flags, NodeMask nodes, NodeMask userNodes, int homeNode) {
    // modes (include/uapi/linux/mempolicy.h)
    public static final int MPOL_DEFAULT = 0;
    public static final int MPOL_PREFERRED = 1;
    public static final int MPOL_BIND = 2;
    public static final int MPOL_INTERLEAVE = 3;
    public static final int MPOL_LOCAL = 4;
    public static final int MPOL_PREFERRED_MANY = 5;
    public static final int MPOL_WEIGHTED_INTERLEAVE = 6;
    public static final int MPOL_MAX = 7;
    // mode flags
    public static final int MPOL_F_STATIC_NODES = 1 << 15;
    public static final int MPOL_F_RELATIVE_NODES = 1 << 14;
    public static final int MPOL_F_NUMA_BALANCING = 1 << 13;
    public static final int MPOL_MODE_FLAGS = MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING;
    /**
     * Internal (never reported to the user): "the policy targets a private node", bit 5 as the
     * private-nodes series adds it; a device mmap's device-lifetime policy carries it where the
     * design has the flag (CONTRACT R7.2).
     */
    public static final int MPOL_F_PRIVATE = 1 << 5;
    // get_mempolicy flags
    public static final int MPOL_F_NODE = 1;
    public static final int MPOL_F_ADDR = 1 << 1;
    public static final int MPOL_F_MEMS_ALLOWED = 1 << 2;
    // mbind flags
    public static final int MPOL_MF_STRICT = 1;
    public static final int MPOL_MF_MOVE = 1 << 1;
    public static final int MPOL_MF_MOVE_ALL = 1 << 2;
    public static final int MPOL_MF_LAZY = 1 << 3;
    public static final int MPOL_MF_VALID = MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL;

    public static final int NUMA_NO_NODE = -1;

    public MemPolicy withHomeNode(int nid) {
        return new MemPolicy(mode, flags, nodes, userNodes, nid);
    }
}
