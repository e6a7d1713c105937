package org.mmproto.core.hooks;

import java.util.ArrayDeque;

/**
 * The hot pfns a device nominated for proactive promotion (v5 CRAM's ring of 1024): a full ring
 * drops its oldest entry, and that drop is counted, never silent. Tiering drains it on each tick.
 */
public final class PromotionRing {
    public static final int CAPACITY = 1024;

    private final ArrayDeque<Long> ring = new ArrayDeque<>(CAPACITY);
    private long requested;
    private long dropped;
    private long stale;

    void add(long pfn) {
        requested++;
        if (ring.size() == CAPACITY) {
            ring.pollFirst();
            dropped++;
        }
        ring.addLast(pfn);
    }

    /** The queued nominations, oldest first; the ring is empty afterwards. */
    public long[] drain() {
        long[] out = new long[ring.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ring.pollFirst();
        }
        return out;
    }

    /** Nominations made since bind. */
    public long requested() {
        return requested;
    }

    /** Nominations overwritten in a full ring before Tiering saw them. */
    public long dropped() {
        return dropped;
    }

    /** A drained nomination that named no folio of the node any more (freed or moved since). */
    public void countStale() {
        stale++;
    }

    public long stale() {
        return stale;
    }

    public int queued() {
        return ring.size();
    }
}
