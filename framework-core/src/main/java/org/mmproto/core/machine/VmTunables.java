package org.mmproto.core.machine;

/**
 * The sysctls and boot options that shape zones and watermarks.
 *
 * @param minFreeKbytes          {@code vm.min_free_kbytes}; -1 = computed as the kernel does
 * @param watermarkScaleFactor   {@code vm.watermark_scale_factor} (default 10 = 0.1%)
 * @param lowmemReserveRatio     {@code vm.lowmem_reserve_ratio} per zone DMA, DMA32, NORMAL, MOVABLE
 * @param thpEnabled             THP enabled (always/madvise): khugepaged raises min_free_kbytes
 * @param movablecoreBytes       {@code movablecore=}: memory spread over nodes into ZONE_MOVABLE
 */
public record VmTunables(long minFreeKbytes, int watermarkScaleFactor, int[] lowmemReserveRatio,
                         boolean thpEnabled, long movablecoreBytes) {
    public static final int[] DEFAULT_LOWMEM_RESERVE_RATIO = {256, 256, 32, 0};

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
