package org.mmproto.core.mm;

/**
 * enum compact_priority (include/linux/compaction.h, 6.12): lower is harder. The slow path starts
 * direct compaction at {@link #ASYNC} (INIT_COMPACT_PRIORITY), retries at {@link #SYNC_LIGHT}
 * (DEF_COMPACT_PRIORITY, also MIN_COMPACT_COSTLY_PRIORITY: costly orders stop here) and, for
 * orders up to PAGE_ALLOC_COSTLY_ORDER, escalates to {@link #SYNC_FULL} (MIN_COMPACT_PRIORITY:
 * the whole zone, deferral ignored, any pageblock a target).
 */
public enum CompactPriority {
    SYNC_FULL, SYNC_LIGHT, ASYNC;

    public static final CompactPriority MIN = SYNC_FULL;
    public static final CompactPriority MIN_COSTLY = SYNC_LIGHT;
    public static final CompactPriority DEF = SYNC_LIGHT;
    public static final CompactPriority INIT = ASYNC;

    /** One step harder (should_compact_retry's {@code (*compact_priority)--}). */
    public CompactPriority harder() {
        return values()[ordinal() - 1];
    }
}
