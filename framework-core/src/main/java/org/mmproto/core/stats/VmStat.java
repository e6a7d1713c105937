package org.mmproto.core.stats;

import java.util.Locale;
import org.mmproto.api.ZoneType;

/**
 * The /proc/vmstat items the engine maintains, in the kernel's print order (zone stats, NUMA
 * events, node stats, then vm events). {@link #key()} is the /proc/vmstat name. Items arrive with the
 * subsystem that increments them: an item listed here is one the engine really counts.
 */
public enum VmStat {
    // NUMA events: per allocation, not per page (zone_statistics)
    NUMA_HIT, NUMA_MISS, NUMA_FOREIGN, NUMA_INTERLEAVE, NUMA_LOCAL, NUMA_OTHER,
    // node stats that go up and down: NR_ANON_THPS (kept in THPs, the unit /proc/vmstat prints it
    // in; meminfo's AnonHugePages multiplies by 2048 kB), NR_PAGETABLE (user page-table pages)
    NR_ANON_TRANSPARENT_HUGEPAGES, NR_PAGE_TABLE_PAGES,
    // node stats of memory tiering (pgpromote_candidate_nrl and pgdemote_proactive: mainline after 6.12)
    PGPROMOTE_SUCCESS, PGPROMOTE_CANDIDATE, PGPROMOTE_CANDIDATE_NRL,
    PGDEMOTE_KSWAPD, PGDEMOTE_DIRECT, PGDEMOTE_KHUGEPAGED, PGDEMOTE_PROACTIVE,
    // vm events
    PSWPIN, PSWPOUT,
    PGALLOC_DMA, PGALLOC_DMA32, PGALLOC_NORMAL, PGALLOC_MOVABLE,
    ALLOCSTALL_DMA, ALLOCSTALL_DMA32, ALLOCSTALL_NORMAL, ALLOCSTALL_MOVABLE,
    PGFREE, PGACTIVATE, PGDEACTIVATE, PGLAZYFREE, PGFAULT, PGMAJFAULT, PGLAZYFREED, PGREFILL,
    // by reclaimer, kswapd/direct/proactive in reclaimer_offset order (khugepaged reclaims nothing here)
    PGSTEAL_KSWAPD, PGSTEAL_DIRECT, PGSTEAL_PROACTIVE,
    PGSCAN_KSWAPD, PGSCAN_DIRECT, PGSCAN_PROACTIVE,
    PGSCAN_ANON, PGSCAN_FILE, PGSTEAL_ANON, PGSTEAL_FILE,
    PAGEOUTRUN,
    // NUMA balancing (CONFIG_NUMA_BALANCING), before migration in vmstat_text
    NUMA_PTE_UPDATES, NUMA_HINT_FAULTS, NUMA_HINT_FAULTS_LOCAL, NUMA_PAGES_MIGRATED,
    PGMIGRATE_SUCCESS, PGMIGRATE_FAIL,
    THP_MIGRATION_SUCCESS, THP_MIGRATION_FAIL, THP_MIGRATION_SPLIT,
    // mm/compaction.c: pages the scanners looked at and isolated; direct compaction's outcomes
    COMPACT_MIGRATE_SCANNED, COMPACT_FREE_SCANNED, COMPACT_ISOLATED,
    COMPACT_STALL, COMPACT_FAIL, COMPACT_SUCCESS,
    // kcompactd (compact_daemon_*: KCOMPACTD_WAKE, KCOMPACTD_MIGRATE_SCANNED, KCOMPACTD_FREE_SCANNED)
    COMPACT_DAEMON_WAKE, COMPACT_DAEMON_MIGRATE_SCANNED, COMPACT_DAEMON_FREE_SCANNED,
    THP_FAULT_ALLOC, THP_FAULT_FALLBACK, THP_COLLAPSE_ALLOC, THP_COLLAPSE_ALLOC_FAILED,
    THP_SPLIT_PAGE, THP_SPLIT_PAGE_FAILED, THP_DEFERRED_SPLIT_PAGE, THP_SPLIT_PMD,
    THP_SCAN_EXCEED_NONE_PTE, THP_SCAN_EXCEED_SWAP_PTE, THP_SCAN_EXCEED_SHARE_PTE, THP_SWPOUT;

    public static final int COUNT = values().length;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static VmStat pgalloc(int zoneIdx) {
        return values()[PGALLOC_DMA.ordinal() + zoneIdx];
    }

    public static VmStat allocstall(int zoneIdx) {
        return values()[ALLOCSTALL_DMA.ordinal() + zoneIdx];
    }

    static {
        if (ZoneType.MAX_NR_ZONES != 4) {
            throw new AssertionError("per-zone items assume 4 zones");
        }
    }
}
