package org.mmproto.core.compaction;

/** enum compact_result, the outcomes the model reaches. */
public enum CompactResult {
    /** compaction_suitable said no (too little free memory), or the design refused the node. */
    SKIPPED,
    /** The scanners met. */
    COMPLETE,
    /** A free block of the requested order exists (proactive: the zone's fragmentation score is low enough). */
    SUCCESS,
    /** migrate_pages() found no target before the scanners met (the free scanner was refused or empty). */
    CONTENDED
}
