package org.mmproto.core.hooks;

import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.design.ZonelistKind;
import org.mmproto.core.mm.FolioRelease;
import org.mmproto.core.mm.AllocCall;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PrivateNodeCheckpoint;

/**
 * The allocator's private-node checkpoint and free gate, standing in for the dispatcher so that
 * a node's owner can allocate and free on its own node ({@code DriverContext.allocOwn}) without
 * the design or its own hooks being asked: asking them from inside a driver call would call the
 * driver again, on its own busy thread. Every other request goes to the dispatcher once it is
 * attached; before that (while drivers bind) private nodes are closed to everyone but their owner.
 */
public final class OwnerAllocations implements PrivateNodeCheckpoint, FolioRelease.FreeGate {
    /** A device-side buffer: movable zones allowed, this node only, no reclaim, no warning. */
    private static final int GFP_OWN = Gfp.Bits.HIGHMEM | Gfp.Bits.MOVABLE | Gfp.Bits.THISNODE | Gfp.Bits.PRIVATE
            | Gfp.Bits.NOWARN;

    private final FolioRelease.FreeGate closedGate = (pfn, order, nid, path) -> false;
    private PrivateNodeCheckpoint checkpoint = (nid, gfp, order, preferredNid, call) -> false;
    private FolioRelease.FreeGate gate = closedGate;
    private int owner = -1;

    public void attach(Dispatcher d) {
        this.checkpoint = d;
        this.gate = d;
    }

    /** An owner allocation on {@code nid}: pfn or -errno. */
    long alloc(PageAllocator alloc, int nid, int order) {
        owner = nid;
        try {
            // the owner aims at its node: whichever list holds it (ZONELIST_PRIVATE under v5)
            alloc.prepare(ownZonelist(alloc, nid), true, 1L << nid, null);
            return alloc.allocPages(GFP_OWN, order, nid, null, nid);
        } finally {
            owner = -1;
        }
    }

    void free(PageAllocator alloc, int nid, long pfn, int order) {
        owner = nid;
        try {
            alloc.freePages(pfn, order);
        } finally {
            owner = -1;
        }
    }

    private static ZonelistKind ownZonelist(PageAllocator alloc, int nid) {
        return alloc.memory().node(nid).zonelistNoFallback().isEmpty() ? ZonelistKind.PRIVATE : ZonelistKind.DEFAULT;
    }

    @Override
    public boolean allowAlloc(int nid, int gfp, int order, int preferredNid, AllocCall call) {
        return owner >= 0 ? nid == owner : checkpoint.allowAlloc(nid, gfp, order, preferredNid, call);
    }

    @Override
    public boolean handout(int nid, int gfp, int order, int preferredNid, AllocCall call) {
        return owner >= 0 ? nid == owner : checkpoint.handout(nid, gfp, order, preferredNid, call);
    }

    @Override
    public void nested(boolean enter) {
        checkpoint.nested(enter);
    }

    @Override
    public void allocated(long pfn, int nid, int gfp, AllocCall call) {
        if (owner < 0) {
            checkpoint.allocated(pfn, nid, gfp, call);
        }
    }

    @Override
    public boolean keep(long pfn, int order, int nid, FreePath path) {
        return owner < 0 && gate.keep(pfn, order, nid, path);
    }
}
