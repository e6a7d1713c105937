package org.mmproto.api.design;

import org.mmproto.api.Gfp;

/**
 * How a user allocation aimed at a private node is made (the folio entry point:
 * alloc_pages_mpol at fault time, alloc_migration_target for a migration): the gfp mask, the
 * zonelist, the node the walk starts from, and whether it runs inside a task-scoped context
 * (memalloc_*_save: inherited by every allocation made while it is open, nested ones included).
 *
 * @param startNid the node whose zonelist is walked; -1 = the caller's choice (mainline)
 */
public record AllocContext(Gfp gfp, ZonelistKind zonelist, int startNid, boolean taskScope) {
    /** What the unpatched kernel does: the caller's mask, the default zonelist, its start node, no scope. */
    public static AllocContext mainline(Gfp gfp) {
        return new AllocContext(gfp, ZonelistKind.DEFAULT, -1, false);
    }

    public AllocContext withGfp(Gfp g) {
        return new AllocContext(g, zonelist, startNid, taskScope);
    }

    public AllocContext startingAt(int nid) {
        return new AllocContext(gfp, zonelist, nid, taskScope);
    }

    public AllocContext select(ZonelistKind kind) {
        return new AllocContext(gfp, kind, startNid, taskScope);
    }

    public AllocContext scoped() {
        return new AllocContext(gfp, zonelist, startNid, true);
    }

    /**
     * Contract R4.14: the one context of an allocation whose policy names several private nodes,
     * from the contexts decided for each of them ({@code this} for the lower nid): the gfp bits
     * either adds, PRIVATE when either selects it, this context's start node unless it leaves
     * the choice to the caller (-1), a task scope when either opens one.
     */
    public AllocContext merge(AllocContext other) {
        return new AllocContext(new Gfp(gfp.bits() | other.gfp.bits()),
                zonelist == ZonelistKind.PRIVATE || other.zonelist == ZonelistKind.PRIVATE
                        ? ZonelistKind.PRIVATE : ZonelistKind.DEFAULT,
                startNid >= 0 ? startNid : other.startNid, taskScope || other.taskScope);
    }
}
