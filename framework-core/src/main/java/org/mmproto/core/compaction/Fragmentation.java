package org.mmproto.core.compaction;

import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.Zone;

/**
 * mm/vmstat.c's fragmentation figures of a zone: fill_contig_page_info, the fragmentation index
 * (/sys/kernel/debug/extfrag/extfrag_index: -1000 when a block of the order is free, towards
 * 0 when the failure is lack of memory, towards 1000 when it is fragmentation) and the unusable
 * free space index (/sys/kernel/debug/extfrag/unusable_index), both in thousandths.
 */
public final class Fragmentation {
    /** sysctl_extfrag_threshold. */
    static final int EXTFRAG_THRESHOLD = 500;

    private Fragmentation() {
    }

    private static long[] contigInfo(Zone z, int order) {
        long freePages = 0;
        long blocksTotal = 0;
        long blocksSuitable = 0;
        for (int o = 0; o < Zone.NR_PAGE_ORDERS; o++) {
            long blocks = z.nrFree(o);
            blocksTotal += blocks;
            if (o >= order) {
                blocksSuitable += blocks << (o - order);
            }
            freePages += blocks << o;
        }
        return new long[] {freePages, blocksTotal, blocksSuitable};
    }

    /** __fragmentation_index. */
    public static int fragmentationIndex(Zone z, int order) {
        long[] info = contigInfo(z, order);
        if (info[1] == 0) {
            return 0;
        }
        if (info[2] > 0) {
            return -1000;
        }
        long requested = 1L << order;
        return (int) (1000 - (1000 + info[0] * 1000 / requested) / info[1]);
    }

    /** unusable_free_index: the share of free memory unusable for a block of {@code order}. */
    public static int unusableIndex(Zone z, int order) {
        long[] info = contigInfo(z, order);
        if (info[0] == 0 || info[2] == 0) {
            return 1000;
        }
        return (int) ((info[0] - (info[2] << order)) * 1000 / info[0]);
    }

    /** extfrag_for_order: the percentage of free memory unusable for a block of {@code order}. */
    public static int extfrag(Zone z, int order) {
        long[] info = contigInfo(z, order);
        if (info[0] == 0) {
            return 0;
        }
        return (int) ((info[0] - (info[2] << order)) * 100 / info[0]);
    }

    /** fragmentation_score_zone: extfrag for COMPACTION_HPAGE_ORDER (order 9). */
    public static int score(Zone z) {
        return extfrag(z, Zone.PAGEBLOCK_ORDER);
    }

    /**
     * fragmentation_score_node: each populated zone's score weighted by its share of the node's
     * present pages (present_pages × score / (node_present_pages + 1)), summed.
     */
    public static int nodeScore(Node n) {
        long nodePresent = 0;
        for (Zone z : n.zones()) {
            nodePresent += z.populated() ? z.presentPages() : 0;
        }
        long score = 0;
        for (Zone z : n.zones()) {
            if (z.populated()) {
                score += z.presentPages() * score(z) / (nodePresent + 1);
            }
        }
        return (int) score;
    }

    /**
     * /sys/kernel/debug/extfrag/extfrag_index: the fragmentation index of each order per populated
     * zone (-1.000 where a block of the order is free), as extfrag_show_print writes it.
     */
    public static String extfragIndexFile(PhysicalMemory mem) {
        StringBuilder sb = new StringBuilder();
        for (Zone z : mem.zones()) {
            if (!z.populated()) {
                continue;
            }
            sb.append(String.format("Node %d, zone %8s ", z.nid(), z.type().procName()));
            for (int o = 0; o < Zone.NR_PAGE_ORDERS; o++) {
                int v = fragmentationIndex(z, o);
                sb.append(String.format("%2d.%03d ", v / 1000, Math.abs(v % 1000)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** /sys/kernel/debug/extfrag/unusable_index: one line per populated zone. */
    public static String unusableIndexFile(PhysicalMemory mem) {
        StringBuilder sb = new StringBuilder();
        for (Zone z : mem.zones()) {
            if (!z.populated()) {
                continue;
            }
            sb.append(String.format("Node %d, zone %8s ", z.nid(), z.type().procName()));
            for (int o = 0; o < Zone.NR_PAGE_ORDERS; o++) {
                int v = unusableIndex(z, o);
                sb.append(v / 1000).append('.').append(String.format("%03d ", v % 1000));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
