package org.mmproto.api;

/**
 * {@code enum migratetype} for a kernel without CONFIG_CMA: UNMOVABLE=0, MOVABLE=1,
 * RECLAIMABLE=2, HIGHATOMIC=3 (= MIGRATE_PCPTYPES), ISOLATE=4.
 */
public enum MigrateType {
    UNMOVABLE("Unmovable"), MOVABLE("Movable"), RECLAIMABLE("Reclaimable"),
    HIGHATOMIC("HighAtomic"), ISOLATE("Isolate");

    /** Types that have their own per-cpu lists and appear in the fallback table. */
    public static final int MIGRATE_PCPTYPES = 3;
    public static final int MIGRATE_TYPES = 5;
    private static final MigrateType[] BY_INDEX = values();

    private final String procName;

    MigrateType(String procName) {
        this.procName = procName;
    }

    public String procName() {
        return procName;
    }

    public static MigrateType of(int index) {
        return BY_INDEX[index];
    }
}
