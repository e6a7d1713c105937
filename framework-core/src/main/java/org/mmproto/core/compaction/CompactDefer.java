package org.mmproto.core.compaction;

import org.mmproto.api.ZoneType;
import org.mmproto.core.mm.Zone;

/**
 * Each zone's compaction deferral (struct zone's compact_considered, compact_defer_shift and
 * compact_order_failed, mm/compaction.c 6.12). A sync compaction that ends without a block of the
 * order (COMPACT_COMPLETE) defers the zone: the next 2^compact_defer_shift - 1 requests of that
 * order or above skip it, the shift growing by one per failure up to COMPACT_MAX_DEFER_SHIFT (6,
 * so at most 63 skips). A compaction that succeeds lowers compact_order_failed above the order;
 * an allocation that then succeeds clears the counters. All zero at boot, as the kernel's
 * zero-filled zones.
 */
final class CompactDefer {
    static final int COMPACT_MAX_DEFER_SHIFT = 6;

    private final int[] considered;
    private final int[] shift;
    private final int[] orderFailed;

    CompactDefer(int nodeCount) {
        int n = nodeCount * ZoneType.MAX_NR_ZONES;
        considered = new int[n];
        shift = new int[n];
        orderFailed = new int[n];
    }

    private static int idx(Zone z) {
        return z.nid() * ZoneType.MAX_NR_ZONES + z.type().ordinal();
    }

    /** defer_compaction: the zone failed at {@code order}. */
    void defer(Zone z, int order) {
        int i = idx(z);
        considered[i] = 0;
        shift[i] = Math.min(shift[i] + 1, COMPACT_MAX_DEFER_SHIFT);
        if (order < orderFailed[i]) {
            orderFailed[i] = order;
        }
    }

    /** compaction_deferred: true when this request skips the zone (each call counts as one considered). */
    boolean deferred(Zone z, int order) {
        int i = idx(z);
        if (order < orderFailed[i]) {
            return false;
        }
        int limit = 1 << shift[i];
        if (++considered[i] >= limit) {
            considered[i] = limit;
            return false;
        }
        return true;
    }

    /** compaction_defer_reset: compaction made a block of {@code order} (allocSuccess: and the allocation got it). */
    void reset(Zone z, int order, boolean allocSuccess) {
        int i = idx(z);
        if (allocSuccess) {
            considered[i] = 0;
            shift[i] = 0;
        }
        if (order >= orderFailed[i]) {
            orderFailed[i] = order + 1;
        }
    }

    int considered(Zone z) {
        return considered[idx(z)];
    }

    int deferShift(Zone z) {
        return shift[idx(z)];
    }

    int orderFailed(Zone z) {
        return orderFailed[idx(z)];
    }
}
