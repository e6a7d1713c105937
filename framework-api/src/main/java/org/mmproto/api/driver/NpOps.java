package org.mmproto.api.driver;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The opt-in flags of the private-nodes RFC v4 ({@code NP_OPS_*}, include/linux/node_private.h),
 * with the dependency rules {@code node_private_set_ops} enforces at registration.
 */
public enum NpOps {
    /** User and kernel migration of folios on or to the node; needs migrate_to and folio_migrate. */
    NP_OPS_MIGRATION,
    /** Node allowed in mempolicy nodemasks; needs MIGRATION; not with PROTECT_WRITE. */
    NP_OPS_MEMPOLICY,
    /** Node is a memory-tier demotion target. */
    NP_OPS_DEMOTION,
    /** PTEs on the node never become writable; write faults go to handle_fault. */
    NP_OPS_PROTECT_WRITE,
    /** kswapd and direct reclaim may operate on the node. */
    NP_OPS_RECLAIM,
    /** NUMA hinting faults may scan and migrate; needs MIGRATION. */
    NP_OPS_NUMA_BALANCING,
    /** Direct, proactive and manual compaction; needs MIGRATION. */
    NP_OPS_COMPACTION,
    /** FOLL_LONGTERM pins may keep folios on the node. */
    NP_OPS_LONGTERM_PIN;

    /** NP_OPS_OOM_ELIGIBLE = RECLAIM | DEMOTION. */
    public static final Set<NpOps> OOM_ELIGIBLE = EnumSet.of(NP_OPS_RECLAIM, NP_OPS_DEMOTION);

    /**
     * The registration errors for a flag set, given which optional callbacks the driver
     * implements; empty when the set is consistent.
     */
    public static List<String> violations(Set<NpOps> flags, Set<Hook> implemented) {
        List<String> out = new ArrayList<>();
        if (flags.contains(NP_OPS_MIGRATION)
                && !(implemented.contains(Hook.MIGRATE_TO) && implemented.contains(Hook.FOLIO_MIGRATE))) {
            out.add("NP_OPS_MIGRATION requires the migrate_to and folio_migrate callbacks");
        }
        if (flags.contains(NP_OPS_MEMPOLICY) && !flags.contains(NP_OPS_MIGRATION)) {
            out.add("NP_OPS_MEMPOLICY requires NP_OPS_MIGRATION");
        }
        if (flags.contains(NP_OPS_MEMPOLICY) && flags.contains(NP_OPS_PROTECT_WRITE)) {
            out.add("NP_OPS_MEMPOLICY is incompatible with NP_OPS_PROTECT_WRITE");
        }
        if (flags.contains(NP_OPS_NUMA_BALANCING) && !flags.contains(NP_OPS_MIGRATION)) {
            out.add("NP_OPS_NUMA_BALANCING requires NP_OPS_MIGRATION");
        }
        if (flags.contains(NP_OPS_COMPACTION) && !flags.contains(NP_OPS_MIGRATION)) {
            out.add("NP_OPS_COMPACTION requires NP_OPS_MIGRATION");
        }
        if (flags.contains(NP_OPS_PROTECT_WRITE) && !implemented.contains(Hook.HANDLE_FAULT)) {
            out.add("NP_OPS_PROTECT_WRITE requires the handle_fault callback");
        }
        return out;
    }
}
