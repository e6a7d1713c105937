package org.mmproto.api.driver;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The capabilities of a private node in "Private Memory NUMA Nodes" v5 (20 Jul 2026,
 * include/linux/node_private.h): isolated by default, every mm service an explicit opt-in fixed
 * at registration. A driver declares them in {@link NodeOptIns#caps()}; one that declares only
 * the v4 {@code NP_OPS_*} names gets them mapped by {@link #fromV4}.
 */
public enum NodeCap {
    /** kswapd / direct reclaim of the node's folios; MADV_COLD, MADV_PAGEOUT, MADV_FREE. */
    NODE_PRIVATE_CAP_RECLAIM,
    /** mbind, set_mempolicy, set_mempolicy_home_node, move_pages, migrate_pages; MADV_COLLAPSE. */
    NODE_PRIVATE_CAP_USER_NUMA,
    /** The node joins the demotion hierarchy; requires RECLAIM. */
    NODE_PRIVATE_CAP_DEMOTION,
    /** NUMA balancing scans and migrates the node's folios. */
    NODE_PRIVATE_CAP_NUMA_BALANCING,
    /** FOLL_LONGTERM pins of the node's folios. */
    NODE_PRIVATE_CAP_LTPIN,
    /** The node's memory may be migrated out so the device can be unplugged. */
    NODE_PRIVATE_CAP_HOTUNPLUG,
    /**
     * v5 CRAM's write fence (mmproto's name for it): the node's folios are mapped present
     * read-only and a write takes the ordinary copy-on-write path, whose reuse check refuses the
     * folio (as for KSM), so the data is written to a new folio placed by the task's policy and
     * never in place. The driver is not asked: v5 has no handle_fault callback.
     */
    NODE_PRIVATE_CAP_WRITE_FENCE;

    /**
     * The v4 to v5 name map: MEMPOLICY and MIGRATION become USER_NUMA (either one: v5 has no
     * separate migration opt-in), DEMOTION becomes DEMOTION plus the RECLAIM it requires,
     * RECLAIM, NUMA_BALANCING and LONGTERM_PIN map one to one; COMPACTION and PROTECT_WRITE have
     * no v5 capability (compaction stays inside the node, write handling moved into CRAM).
     */
    public static Set<NodeCap> fromV4(Set<NpOps> flags) {
        Set<NodeCap> caps = EnumSet.noneOf(NodeCap.class);
        for (NpOps f : flags) {
            switch (f) {
                case NP_OPS_MEMPOLICY, NP_OPS_MIGRATION -> caps.add(NODE_PRIVATE_CAP_USER_NUMA);
                case NP_OPS_DEMOTION -> {
                    caps.add(NODE_PRIVATE_CAP_DEMOTION);
                    caps.add(NODE_PRIVATE_CAP_RECLAIM);
                }
                case NP_OPS_RECLAIM -> caps.add(NODE_PRIVATE_CAP_RECLAIM);
                case NP_OPS_NUMA_BALANCING -> caps.add(NODE_PRIVATE_CAP_NUMA_BALANCING);
                case NP_OPS_LONGTERM_PIN -> caps.add(NODE_PRIVATE_CAP_LTPIN);
                case NP_OPS_COMPACTION, NP_OPS_PROTECT_WRITE -> {
                    // no v5 capability
                }
            }
        }
        return caps;
    }

    /** The registration errors of a capability set (DEMOTION requires RECLAIM); empty when consistent. */
    public static List<String> violations(Set<NodeCap> caps) {
        List<String> out = new ArrayList<>();
        if (caps.contains(NODE_PRIVATE_CAP_DEMOTION) && !caps.contains(NODE_PRIVATE_CAP_RECLAIM)) {
            out.add("NODE_PRIVATE_CAP_DEMOTION requires NODE_PRIVATE_CAP_RECLAIM");
        }
        return out;
    }
}
