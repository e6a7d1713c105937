package org.mmproto.core.mm;

/**
 * enum compact_result, the outcomes the model reaches, in the kernel's order (try_to_compact_pages
 * keeps the highest of its zones' outcomes, so the order matters).
 */
public enum CompactResult {
    /** compaction_suitable said no (too little free memory), or the design refused the node. */
    SKIPPED,
    /** compaction_deferred: the zone failed at this order recently and is skipped this time. */
    DEFERRED,
    /** The scanners met. */
    COMPLETE,
    /** migrate_pages() found no target before the scanners met (the free scanner was refused or empty). */
    CONTENDED,
    /**
     * A free block of the requested order exists (before the run: the allocation's watermark check
     * already passes; proactive: the zone's fragmentation score is low enough).
     */
    SUCCESS;

    /** max(a, b) in the kernel's ordering. */
    public static CompactResult max(CompactResult a, CompactResult b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
