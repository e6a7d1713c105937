package org.mmproto.core.tier;

import org.mmproto.core.machine.TieringSpec;

/**
 * The tiering knobs as they are now: booted from the machine file's {@code vm:} section and
 * changed by the {@code tiering} scenario step, as an administrator writes
 * /sys/kernel/mm/numa/demotion_enabled and the kernel.numa_balancing* sysctls.
 */
public final class TierSettings {
    boolean demotionEnabled;
    int numaBalancing;
    int scanSizeMb;
    int scanPeriodMs;
    int hotThresholdMs;
    long promoteRateLimitMBps;

    TierSettings(TieringSpec s) {
        demotionEnabled = s.demotionEnabled();
        numaBalancing = s.numaBalancing();
        scanSizeMb = s.scanSizeMb();
        scanPeriodMs = s.scanPeriodMs();
        hotThresholdMs = s.hotThresholdMs();
        promoteRateLimitMBps = s.promoteRateLimitMBps();
    }

    public boolean demotionEnabled() {
        return demotionEnabled;
    }

    public int numaBalancing() {
        return numaBalancing;
    }

    public boolean tieringMode() {
        return (numaBalancing & TieringSpec.NUMA_BALANCING_MEMORY_TIERING) != 0;
    }

    boolean normalMode() {
        return (numaBalancing & TieringSpec.NUMA_BALANCING_NORMAL) != 0;
    }

    public int scanSizeMb() {
        return scanSizeMb;
    }

    public int scanPeriodMs() {
        return scanPeriodMs;
    }

    public int hotThresholdMs() {
        return hotThresholdMs;
    }

    public long promoteRateLimitMBps() {
        return promoteRateLimitMBps;
    }

    public void setDemotionEnabled(boolean on) {
        demotionEnabled = on;
    }

    public void setNumaBalancing(int mode) {
        numaBalancing = mode;
    }

    public void setScanSizeMb(int mb) {
        scanSizeMb = mb;
    }

    public void setScanPeriodMs(int ms) {
        scanPeriodMs = ms;
    }

    public void setHotThresholdMs(int ms) {
        hotThresholdMs = ms;
    }

    public void setPromoteRateLimitMBps(long mbps) {
        promoteRateLimitMBps = mbps;
    }
}
