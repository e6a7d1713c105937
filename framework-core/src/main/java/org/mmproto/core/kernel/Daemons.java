package org.mmproto.core.kernel;

import org.mmproto.core.trace.Log;

/**
 * What runs while kernel time passes, in one order for every caller (the {@code tick} step and a
 * replay's clock): every woken kswapd, NUMA balancing's scans, kcompactd, khugepaged, then the
 * drivers' delayed work due by the end of the interval.
 */
public final class Daemons {
    /** What one interval's daemons did, each an event count of its own subsystem. */
    public record Ran(long reclaimed, long numaPteUpdates, long kcompactdMigrated, long khugepagedWakeups,
            long collapsed, long delayedWork) {
    }

    private Daemons() {
    }

    public static Ran run(Kernel k, long ms) {
        return run(k, ms, () -> { });
    }

    /** @param beforeCompaction runs after the scans and before kcompactd (a caller's before-figures) */
    public static Ran run(Kernel k, long ms, Runnable beforeCompaction) {
        long reclaimed = k.reclaim().tick(ms);
        long marked = k.tiering().tick(ms);
        beforeCompaction.run();
        long compacted = k.kcompactd().tick(ms);
        var kh = k.khugepaged();
        long collapsedBefore = kh.pagesCollapsed();
        var tracer = k.mem().tracer();
        var prev = tracer.enter(org.mmproto.core.trace.Tracer.Kthread.KHUGEPAGED, 0); // khugepaged's events
        long wakeups;
        try {
            wakeups = kh.tick(ms);
        } finally {
            tracer.leave(prev);
        }
        long collapsed = kh.pagesCollapsed() - collapsedBefore;
        long work = k.dispatcher() == null ? 0 : k.dispatcher().deviceWork().tick(ms);
        if (marked > 0) {
            Log.NUMA_BALANCING.logger().debug("task_numa_work: {} PTEs marked for hinting faults", marked);
        }
        if (compacted > 0) {
            Log.COMPACTION.logger().info("kcompactd: {} folios migrated", compacted);
        }
        if (wakeups > 0) {
            Log.KHUGEPAGED.logger().debug("khugepaged: {} wakeups, {} pages collapsed", wakeups, collapsed);
        }
        return new Ran(reclaimed, marked, compacted, wakeups, collapsed, work);
    }
}
