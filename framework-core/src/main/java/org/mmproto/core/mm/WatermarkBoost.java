package org.mmproto.core.mm;

/**
 * A node's watermark_boost as cram_set_pressure sets it (RFC v4 patch 16): on the node's first
 * populated zone, ZONE_BOOSTED_WATERMARK while it is above 0. Every watermark check and
 * kswapd's pgdat_balanced see {@code _watermark[] + watermark_boost}.
 */
public final class WatermarkBoost {
    private WatermarkBoost() {
    }

    /** Sets the boost of the node's first populated zone; returns that zone, or null when the node has none. */
    public static Zone set(Node n, long pages) {
        for (Zone z : n.zones()) {
            if (z.managedPages() > 0) {
                z.watermarkBoost = Math.max(0, pages);
                return z;
            }
        }
        return null;
    }

    /** balance_pgdat's end: the boost it started with is used up (watermark_boost -= min(boost, used)). */
    public static void consume(Zone z, long pages) {
        z.watermarkBoost -= Math.min(z.watermarkBoost, pages);
    }
}
