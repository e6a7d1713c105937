package org.mmproto.api.driver;

import java.util.EnumSet;
import java.util.Set;
import org.mmproto.api.ZoneType;

/**
 * What a driver declares for a node it binds: the v4 NP_OPS flags, the v5 capabilities, and the
 * zone its memory is onlined into. A driver may declare either vocabulary or both; a design of
 * the v5 series reads {@link #effectiveCaps()}, which maps v4 names when no capability is
 * declared.
 */
public record NodeOptIns(Set<NpOps> flags, ZoneType onlineZone, Set<NodeCap> caps) {
    public NodeOptIns {
        flags = flags.isEmpty() ? EnumSet.noneOf(NpOps.class) : EnumSet.copyOf(flags);
        caps = caps.isEmpty() ? EnumSet.noneOf(NodeCap.class) : EnumSet.copyOf(caps);
        if (onlineZone != ZoneType.NORMAL && onlineZone != ZoneType.MOVABLE) {
            throw new IllegalArgumentException("a private node is onlined into ZONE_NORMAL or ZONE_MOVABLE, not " + onlineZone);
        }
    }

    /** v4 flags only (capabilities derived from them). */
    public NodeOptIns(Set<NpOps> flags, ZoneType onlineZone) {
        this(flags, onlineZone, EnumSet.noneOf(NodeCap.class));
    }

    public boolean has(NpOps flag) {
        return flags.contains(flag);
    }

    /** The declared capabilities, or the v4 flags mapped onto them when none is declared. */
    public Set<NodeCap> effectiveCaps() {
        return caps.isEmpty() ? NodeCap.fromV4(flags) : caps;
    }

    /** Whether the capabilities come from the v4 name map rather than a declaration. */
    public boolean capsMappedFromV4() {
        return caps.isEmpty() && !flags.isEmpty();
    }

    public boolean has(NodeCap cap) {
        return effectiveCaps().contains(cap);
    }

    public boolean oomEligible() {
        return flags.containsAll(NpOps.OOM_ELIGIBLE);
    }
}
