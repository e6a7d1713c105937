package org.mmproto.api;

/**
 * {@code enum zone_type} of x86-64 (no HIGHMEM). Index order is the fallback direction: an
 * allocation may use its highest allowed zone or any lower one.
 */
public enum ZoneType {
    DMA("DMA"), DMA32("DMA32"), NORMAL("Normal"), MOVABLE("Movable");

    public static final int MAX_NR_ZONES = 4;
    private static final ZoneType[] BY_INDEX = values();

    private final String procName;

    ZoneType(String procName) {
        this.procName = procName;
    }

    /** The name /proc/buddyinfo, /proc/zoneinfo and pagetypeinfo print ("Normal", "DMA32"). */
    public String procName() {
        return procName;
    }

    /** Suffix of per-zone vmstat items: {@code pgalloc_dma32}. */
    public String vmstatSuffix() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static ZoneType of(int index) {
        return BY_INDEX[index];
    }
}
