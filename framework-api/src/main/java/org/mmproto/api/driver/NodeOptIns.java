package org.mmproto.api.driver;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a driver opts into for a node it binds: the NP_OPS flags (R5.1). The zone is not the
 * driver's to declare: the machine file onlines the node and {@link NodeBinding#zone()} says where.
 */
public record NodeOptIns(Set<NpOps> flags) {
    public NodeOptIns {
        flags = flags.isEmpty() ? EnumSet.noneOf(NpOps.class) : EnumSet.copyOf(flags);
    }

    public boolean has(NpOps flag) {
        return flags.contains(flag);
    }

    public boolean oomEligible() {
        return flags.containsAll(NpOps.OOM_ELIGIBLE);
    }
}
