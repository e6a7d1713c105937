package org.mmproto.api.driver;

import java.util.EnumSet;
import java.util.Set;
import org.mmproto.api.ZoneType;

/** What a driver declares for a node it binds: the NP_OPS flags and the zone its memory is onlined into. */
public record NodeOptIns(Set<NpOps> flags, ZoneType onlineZone) {
    public NodeOptIns {
        flags = flags.isEmpty() ? EnumSet.noneOf(NpOps.class) : EnumSet.copyOf(flags);
        if (onlineZone != ZoneType.NORMAL && onlineZone != ZoneType.MOVABLE) {
            throw new IllegalArgumentException("a private node is onlined into ZONE_NORMAL or ZONE_MOVABLE, not " + onlineZone);
        }
    }

    public boolean has(NpOps flag) {
        return flags.contains(flag);
    }

    public boolean oomEligible() {
        return flags.containsAll(NpOps.OOM_ELIGIBLE);
    }
}
