package org.mmproto.api.driver;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a driver opts into for a node it binds (R5.1): the v4 NP_OPS flags and the v5
 * capabilities. A driver may declare either vocabulary or both; a design of the v5 series reads
 * {@link #effectiveCaps()}, which maps the v4 names when no capability is declared. The zone is
 * not the driver's to declare: the machine file onlines the node and {@link NodeBinding#zone()}
 * says where.
 */
public record NodeOptIns(Set<NpOps> flags, Set<NodeCap> caps) {
    public NodeOptIns {
        flags = flags.isEmpty() ? EnumSet.noneOf(NpOps.class) : EnumSet.copyOf(flags);
        caps = caps.isEmpty() ? EnumSet.noneOf(NodeCap.class) : EnumSet.copyOf(caps);
    }

    /** v4 flags only (capabilities mapped from them). */
    public NodeOptIns(Set<NpOps> flags) {
        this(flags, EnumSet.noneOf(NodeCap.class));
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
