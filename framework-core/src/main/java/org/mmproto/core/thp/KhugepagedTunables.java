package org.mmproto.core.thp;

/**
 * /sys/kernel/mm/transparent_hugepage/khugepaged/ (6.12 defaults for HPAGE_PMD_NR = 512; checked on
 * a real 6.12 kernel, {@code KhugepagedRealKernelTest}). The max_ptes_* limits apply to
 * khugepaged only; MADV_COLLAPSE ignores them.
 *
 * @param maxPtesNone none or zero-page PTEs a range may hold (0-511)
 * @param maxPtesSwap swap PTEs a range may hold; they are swapped in before the collapse (0-511)
 * @param maxPtesShared PTEs of pages mapped more than once a range may hold (0-511)
 * @param pagesToScan pages one wakeup scans (khugepaged_do_scan's budget; a PMD range counts 512)
 * @param scanSleepMillisecs sleep between wakeups
 * @param allocSleepMillisecs sleep after a failed THP allocation
 * @param defrag 1: GFP_TRANSHUGE (direct reclaim and compaction), 0: GFP_TRANSHUGE_LIGHT
 */
public record KhugepagedTunables(int maxPtesNone, int maxPtesSwap, int maxPtesShared, int pagesToScan,
                                 long scanSleepMillisecs, long allocSleepMillisecs, boolean defrag) {
    /** HPAGE_PMD_NR - 1: the largest value the max_ptes_* files accept (a larger write is EINVAL). */
    public static final int MAX_PTES_LIMIT = 511;
    public static final KhugepagedTunables DEFAULTS = new KhugepagedTunables(511, 64, 256, 4096, 10_000, 60_000, true);

    public KhugepagedTunables {
        check("max_ptes_none", maxPtesNone, MAX_PTES_LIMIT);
        check("max_ptes_swap", maxPtesSwap, MAX_PTES_LIMIT);
        check("max_ptes_shared", maxPtesShared, MAX_PTES_LIMIT);
        check("pages_to_scan", pagesToScan, Integer.MAX_VALUE);
        if (pagesToScan == 0) {
            throw new IllegalArgumentException("pages_to_scan must be at least 1 (the sysfs file refuses 0 with EINVAL)");
        }
        if (scanSleepMillisecs < 0 || allocSleepMillisecs < 0) {
            throw new IllegalArgumentException("sleep times are >= 0 ms");
        }
    }

    private static void check(String name, long v, long max) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(name + " = " + v + ": the sysfs file accepts 0-" + max + " (EINVAL)");
        }
    }
}
