package org.mmproto.core.mm;

import org.mmproto.api.ZoneType;
import org.mmproto.core.machine.VmTunables;

/**
 * init_per_zone_wmark_min + khugepaged's set_recommended_min_free_kbytes: min_free_kbytes from
 * the lowmem size, the THP raise, per-zone min/low/high/promo and lowmem_reserve.
 */
final class Watermarks {
    private static final int SWAP_CLUSTER_MAX = 32;

    private Watermarks() {
    }

    /** Result of the computation, for reports: the value in force and where it came from. */
    record MinFree(long kbytes, long computedKbytes, long thpRecommendedKbytes, boolean userSet) {
    }

    static MinFree setup(Node[] nodes, int firstNodeWithMemory, VmTunables vm) {
        // nr_free_buffer_pages at boot: managed pages of zones <= NORMAL in the boot CPU's zonelist
        // (watermarks are still zero then); private nodes are in no such zonelist.
        long lowmemPages = 0;
        int nrLowZones = 0;
        if (firstNodeWithMemory >= 0) {
            for (Zone z : nodes[firstNodeWithMemory].zonelistFallback) {
                if (z.zoneIdx <= ZoneType.NORMAL.ordinal()) {
                    lowmemPages += z.managedPages();
                }
            }
        }
        for (Node n : nodes) {
            for (Zone z : n.zones) {
                if (z.populated() && z.zoneIdx <= ZoneType.NORMAL.ordinal()) {
                    nrLowZones++;
                }
            }
        }
        long computed = clamp(intSqrt(lowmemPages * 4 * 16), 128, 262144);
        long minFree = vm.minFreeKbytes() >= 0 ? vm.minFreeKbytes() : computed;
        long recommended = 0;
        if (vm.thpEnabled()) {
            long pb = Zone.PAGEBLOCK_NR_PAGES;
            recommended = pb * nrLowZones * 2 + pb * nrLowZones * 3 * 3;
            recommended = Math.min(recommended, lowmemPages / 20);
            recommended <<= 2; // pages to kB
            if (recommended > minFree) {
                minFree = recommended;
            }
        }
        setupPerZoneWmarks(nodes, minFree, vm.watermarkScaleFactor());
        setupLowmemReserve(nodes, vm.lowmemReserveRatio());
        return new MinFree(minFree, computed, recommended, vm.minFreeKbytes() >= 0);
    }

    static void setupPerZoneWmarks(Node[] nodes, long minFreeKbytes, int scaleFactor) {
        long pagesMin = minFreeKbytes >> 2;
        long lowmemPages = 0;
        for (Node n : nodes) {
            for (Zone z : n.zones) {
                if (z.zoneIdx != ZoneType.MOVABLE.ordinal()) {
                    lowmemPages += z.managedPages();
                }
            }
        }
        for (Node n : nodes) {
            for (Zone z : n.zones) {
                long managed = z.managedPages();
                long tmp = lowmemPages == 0 ? 0 : pagesMin * managed / lowmemPages;
                if (z.zoneIdx == ZoneType.MOVABLE.ordinal()) {
                    z.watermark[Zone.WMARK_MIN] = clamp(managed / 1024, SWAP_CLUSTER_MAX, 128);
                } else {
                    z.watermark[Zone.WMARK_MIN] = tmp;
                }
                long delta = Math.max(tmp >> 2, managed * scaleFactor / 10000);
                z.watermark[Zone.WMARK_LOW] = z.watermark[Zone.WMARK_MIN] + delta;
                z.watermark[Zone.WMARK_HIGH] = z.watermark[Zone.WMARK_LOW] + delta;
                z.watermark[Zone.WMARK_PROMO] = z.watermark[Zone.WMARK_HIGH] + delta;
            }
        }
    }

    static void setupLowmemReserve(Node[] nodes, int[] ratio) {
        for (Node n : nodes) {
            for (int i = 0; i < ZoneType.MAX_NR_ZONES - 1; i++) {
                Zone z = n.zones[i];
                boolean clear = ratio[i] == 0 || z.managedPages() == 0;
                long managed = 0;
                for (int j = i + 1; j < ZoneType.MAX_NR_ZONES; j++) {
                    managed += n.zones[j].managedPages();
                    z.lowmemReserve[j] = clear ? 0 : managed / ratio[i];
                }
            }
        }
    }

    static long intSqrt(long x) {
        long r = (long) Math.sqrt((double) x);
        while (r * r > x) {
            r--;
        }
        while ((r + 1) * (r + 1) <= x) {
            r++;
        }
        return r;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
