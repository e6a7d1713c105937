package org.mmproto.core.machine;

/**
 * The sysctls and boot options that shape zones and watermarks.
 *
 * @param minFreeKbytes          {@code vm.min_free_kbytes}; -1 = computed as the kernel does
 * @param watermarkScaleFactor   {@code vm.watermark_scale_factor} (default 10 = 0.1%)
 * @param lowmemReserveRatio     {@code vm.lowmem_reserve_ratio} per zone DMA, DMA32, NORMAL, MOVABLE
 * @param thpEnabled             THP enabled (always/madvise): khugepaged raises min_free_kbytes
 * @param movablecoreBytes       {@code movablecore=}: memory spread over nodes into ZONE_MOVABLE
 * @param overcommitMemory      {@code vm.overcommit_memory}: 0 heuristic (default), 1 always, 2 never
 * @param overcommitRatio       {@code vm.overcommit_ratio} (default 50): CommitLimit % of RAM in mode 2
 * @param overcommitKbytes      {@code vm.overcommit_kbytes} (default 0 = use the ratio): CommitLimit in mode 2
 * @param compactionProactiveness {@code vm.compaction_proactiveness} (0-100, default 20): kcompactd's
 *                               proactive compaction; 0 turns it off
 */
public record VmTunables(long minFreeKbytes, int watermarkScaleFactor, int[] lowmemReserveRatio,
                         boolean thpEnabled, long movablecoreBytes, int overcommitMemory, int overcommitRatio,
                         long overcommitKbytes, int compactionProactiveness) {
    public static final int[] DEFAULT_LOWMEM_RESERVE_RATIO = {256, 256, 32, 0};
    /** OVERCOMMIT_GUESS, the kernel's default (mm/util.c sysctl_overcommit_memory). */
    public static final int DEFAULT_OVERCOMMIT_MEMORY = 0;
    /** mm/util.c sysctl_overcommit_ratio. */
    public static final int DEFAULT_OVERCOMMIT_RATIO = 50;
    /** mm/compaction.c sysctl_compaction_proactiveness. */
    public static final int DEFAULT_COMPACTION_PROACTIVENESS = 20;

    /** The tunables with the overcommit sysctls at their defaults. */
    public VmTunables(long minFreeKbytes, int watermarkScaleFactor, int[] lowmemReserveRatio, boolean thpEnabled,
                      long movablecoreBytes) {
        this(minFreeKbytes, watermarkScaleFactor, lowmemReserveRatio, thpEnabled, movablecoreBytes,
                DEFAULT_OVERCOMMIT_MEMORY, DEFAULT_OVERCOMMIT_RATIO, 0);
    }

    /** The tunables with compaction_proactiveness at its default. */
    public VmTunables(long minFreeKbytes, int watermarkScaleFactor, int[] lowmemReserveRatio, boolean thpEnabled,
                      long movablecoreBytes, int overcommitMemory, int overcommitRatio, long overcommitKbytes) {
        this(minFreeKbytes, watermarkScaleFactor, lowmemReserveRatio, thpEnabled, movablecoreBytes, overcommitMemory,
                overcommitRatio, overcommitKbytes, DEFAULT_COMPACTION_PROACTIVENESS);
    }

    public VmTunables {
        lowmemReserveRatio = lowmemReserveRatio.clone();
    }

    public static VmTunables defaults() {
        return new VmTunables(-1, 10, DEFAULT_LOWMEM_RESERVE_RATIO, true, 0);
    }

    @Override
    public int[] lowmemReserveRatio() {
        return lowmemReserveRatio.clone();
    }
}
