package org.mmproto.core.migrate;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mmproto.api.MigrateReason;

/**
 * What the mm_migrate_pages tracepoint reports per call, summed per migrate_reason: pages
 * migrated and pages that failed (its {@code succeeded} and {@code failed} fields). The run
 * report shows them as {@code migrate_reason.MR_SYSCALL.succeeded} and {@code ...failed}.
 */
public final class ReasonCounts {
    private final long[] succeeded = new long[MigrateReason.values().length];
    private final long[] failed = new long[MigrateReason.values().length];
    private final long[] calls = new long[MigrateReason.values().length];

    void record(MigrateReason reason, long succeededPages, long failedPages) {
        calls[reason.ordinal()]++;
        succeeded[reason.ordinal()] += succeededPages;
        failed[reason.ordinal()] += failedPages;
    }

    public long succeeded(MigrateReason reason) {
        return succeeded[reason.ordinal()];
    }

    public long failed(MigrateReason reason) {
        return failed[reason.ordinal()];
    }

    /** migrate_pages() calls made with the reason (mm_migrate_pages events). */
    public long calls(MigrateReason reason) {
        return calls[reason.ordinal()];
    }

    /** The report keys, every reason in enum order: {@code migrate_reason.<MR_X>.succeeded|failed}. */
    public static String key(MigrateReason reason, boolean succeeded) {
        return "migrate_reason." + reason.name() + (succeeded ? ".succeeded" : ".failed");
    }

    /** Every key with its value, in enum order. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (MigrateReason r : MigrateReason.values()) {
            m.put(key(r, true), succeeded(r));
            m.put(key(r, false), failed(r));
        }
        return m;
    }
}
