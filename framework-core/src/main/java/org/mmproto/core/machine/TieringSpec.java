package org.mmproto.core.machine;

import java.util.Arrays;

/**
 * Memory tiering as the machine boots with it: per node an abstract distance override
 * (mm/memory-tiers.c; -1 = the node's default from its kind), the demotion switch
 * ({@code /sys/kernel/mm/numa/demotion_enabled}, default false) and NUMA balancing
 * ({@code kernel.numa_balancing}: 0 off, 1 NORMAL, 2 MEMORY_TIERING, 3 both; default 0) with its
 * scan size, scan period, hot threshold and promotion rate limit.
 *
 * @param adistance            per nid: the node's abstract distance, or -1 for the default
 * @param demotionEnabled      demotion_enabled
 * @param numaBalancing        kernel.numa_balancing bitmask
 * @param scanSizeMb           kernel.numa_balancing_scan_size_mb (default 256)
 * @param scanPeriodMs         the scan period (kernel.numa_balancing_scan_period_min_ms, default 1000;
 *                             the model does not adapt it)
 * @param hotThresholdMs       debugfs sched/numa_balancing/hot_threshold_ms (default 1000)
 * @param promoteRateLimitMBps kernel.numa_balancing_promote_rate_limit_MBps (default 65536)
 */
public record TieringSpec(int[] adistance, boolean demotionEnabled, int numaBalancing, int scanSizeMb,
                          int scanPeriodMs, int hotThresholdMs, long promoteRateLimitMBps) {
    public static final int NUMA_BALANCING_NORMAL = 1;
    public static final int NUMA_BALANCING_MEMORY_TIERING = 2;
    public static final int DEFAULT_SCAN_SIZE_MB = 256;
    public static final int DEFAULT_SCAN_PERIOD_MS = 1000;
    public static final int DEFAULT_HOT_THRESHOLD_MS = 1000;
    public static final long DEFAULT_PROMOTE_RATE_LIMIT_MBPS = 65536;

    public TieringSpec {
        adistance = adistance.clone();
    }

    /** Every node at its default distance, demotion off, NUMA balancing off. */
    public static TieringSpec defaults(int nodes) {
        int[] a = new int[nodes];
        Arrays.fill(a, -1);
        return new TieringSpec(a, false, 0, DEFAULT_SCAN_SIZE_MB, DEFAULT_SCAN_PERIOD_MS, DEFAULT_HOT_THRESHOLD_MS,
                DEFAULT_PROMOTE_RATE_LIMIT_MBPS);
    }

    @Override
    public int[] adistance() {
        return adistance.clone();
    }

    /** The node's override, or -1. */
    public int adistance(int nid) {
        return nid < adistance.length ? adistance[nid] : -1;
    }

    public boolean tieringMode() {
        return (numaBalancing & NUMA_BALANCING_MEMORY_TIERING) != 0;
    }

    public TieringSpec withDemotion(boolean on) {
        return new TieringSpec(adistance, on, numaBalancing, scanSizeMb, scanPeriodMs, hotThresholdMs, promoteRateLimitMBps);
    }
}
