package org.mmproto.api.design;

/**
 * Where a private node appears in the zonelists built at boot (build_zonelists).
 *
 * @param inOtherFallbacks in other nodes' FALLBACK lists (mainline: every N_MEMORY node is)
 * @param inOwnFallback    first in its own FALLBACK list (else its list holds only other nodes)
 * @param inOwnNoFallback  its own NOFALLBACK list holds it, so {@code __GFP_THISNODE} reaches it
 * @param inPrivateZonelist in ZONELIST_PRIVATE (v5), reached only by a call that selects that list
 */
public record NodeZonelists(boolean inOtherFallbacks, boolean inOwnFallback, boolean inOwnNoFallback,
                            boolean inPrivateZonelist) {
    /** An ordinary node's place: in every list. */
    public static final NodeZonelists MAINLINE = new NodeZonelists(true, true, true, false);
    /** RFC v4 patch 4: itself then N_MEMORY in its own list, itself alone with THISNODE, in no other list. */
    public static final NodeZonelists OWN_LISTS_ONLY = new NodeZonelists(false, true, true, false);
}
