package org.mmproto.core.hooks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The per-private-node invariants of a run, recorded where they can break:
 * <ul>
 *   <li><b>leak</b> — a folio on the node its driver refused or its opt-ins exclude: a kernel
 *       allocation that landed there without {@code __GFP_PRIVATE} and without the driver's
 *       consent (it stays a leak until freed);</li>
 *   <li><b>escape</b> — a folio moved off a node whose driver did not opt into migration;</li>
 *   <li><b>unsafe write</b> — a write reaching a page of a node that asked for write protection
 *       (NP_OPS_PROTECT_WRITE) without going through handle_fault;</li>
 *   <li><b>unnotified free</b> — a folio of the node freed without free_folio where the design
 *       promises notification.</li>
 * </ul>
 */
public final class PrivacyLedger {
    /** One broken invariant. */
    public record Breach(String kind, int nid, long pfn, String detail) {
        @Override
        public String toString() {
            return String.format("%s on node %d, pfn 0x%x: %s", kind, nid, pfn, detail);
        }
    }

    private final Set<Long> leakedFolios = new HashSet<>();
    private final List<Breach> breaches = new ArrayList<>();

    void leak(int nid, long pfn, String detail) {
        leakedFolios.add(pfn);
        breaches.add(new Breach("leak", nid, pfn, detail));
    }

    void freed(long pfn) {
        leakedFolios.remove(pfn);
    }

    void escape(int nid, long pfn, String detail) {
        breaches.add(new Breach("escape", nid, pfn, detail));
    }

    void unsafeWrite(int nid, long pfn, String detail) {
        breaches.add(new Breach("unsafe write", nid, pfn, detail));
    }

    void unnotifiedFree(int nid, long pfn, String detail) {
        breaches.add(new Breach("unnotified free", nid, pfn, detail));
    }

    /** Every breach recorded so far, in order. */
    public List<Breach> breaches() {
        return List.copyOf(breaches);
    }

    /** Leaked folios still allocated on their private node. */
    public Set<Long> liveLeaks() {
        return Set.copyOf(leakedFolios);
    }

    public long count(String kind) {
        return breaches.stream().filter(b -> b.kind().equals(kind)).count();
    }
}
