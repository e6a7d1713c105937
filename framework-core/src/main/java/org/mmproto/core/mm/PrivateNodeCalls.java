package org.mmproto.core.mm;

import org.mmproto.api.MigrateReason;
import org.mmproto.api.design.ZonelistKind;

/**
 * The page allocator's per-call state for the nodes a machine marks private: the context the
 * folio entry point prepared for the next call, a small stack of {@link AllocCall}s (one per
 * nesting level), and the once-per-call answers of the {@link PrivateNodeCheckpoint}. Only
 * machines with private nodes create one.
 */
final class PrivateNodeCalls {
    private final PrivateNodeCheckpoint checkpoint;
    private final AllocCall pending = new AllocCall();
    private final AllocCall[] calls = {new AllocCall(), new AllocCall(), new AllocCall(), new AllocCall()};
    private int depth;
    private PageAllocator.NestedAlloc nested;

    PrivateNodeCalls(PrivateNodeCheckpoint checkpoint) {
        this.checkpoint = checkpoint;
    }

    void prepare(ZonelistKind zonelist, boolean folio, long intent, MigrateReason reason) {
        pending.zonelist = zonelist;
        pending.folio = folio;
        pending.intent = intent;
        pending.reason = reason;
    }

    void armNested(PageAllocator.NestedAlloc n) {
        this.nested = n;
    }

    /** Enters a call: it takes the prepared context, which nested calls never see. */
    void enter() {
        if (depth == calls.length) {
            throw new IllegalStateException("page allocations nested " + depth + " deep");
        }
        calls[depth++].copyRequest(pending);
        pending.reset();
    }

    void leave() {
        depth--;
    }

    AllocCall current() {
        return calls[depth - 1];
    }

    /** numa_zone_alloc_allowed on a private node, decided once per call. */
    boolean gate(int nid, int gfp, int order, int preferredNid) {
        AllocCall call = current();
        long bit = 1L << nid;
        if ((call.gateAsked & bit) == 0) {
            call.gateAsked |= bit;
            if (checkpoint.allowAlloc(nid, gfp, order, preferredNid, call)) {
                call.gateOk |= bit;
            }
        }
        return (call.gateOk & bit) != 0;
    }

    /** The hand-out check on a private node, decided once per call. */
    boolean handout(int nid, int gfp, int order, int preferredNid) {
        AllocCall call = current();
        long bit = 1L << nid;
        if ((call.handoutAsked & bit) == 0) {
            call.handoutAsked |= bit;
            if (checkpoint.handout(nid, gfp, order, preferredNid, call)) {
                call.handoutOk |= bit;
            }
        }
        return (call.handoutOk & bit) != 0;
    }

    /** The armed nested allocation, once, if this is an outermost call; null otherwise. */
    PageAllocator.NestedAlloc takeNested() {
        if (nested == null || depth != 1) {
            return null;
        }
        PageAllocator.NestedAlloc n = nested;
        nested = null;
        return n;
    }

    void nested(boolean enter) {
        checkpoint.nested(enter);
    }

    void allocated(long pfn, int nid, int gfp) {
        checkpoint.allocated(pfn, nid, gfp, current());
    }

    /** Whether kswapd of private node {@code nid} may be woken in this call (once per call). */
    boolean firstKswapdWake(int nid) {
        AllocCall call = current();
        long bit = 1L << nid;
        if ((call.kswapdWoken & bit) != 0) {
            return false;
        }
        call.kswapdWoken |= bit;
        return true;
    }
}
