package org.mmproto.core.compaction;

import org.mmproto.core.trace.Tracepoint;
import org.mmproto.core.trace.Tracer;
import static org.mmproto.core.mm.Zone.PAGEBLOCK_NR_PAGES;
import static org.mmproto.core.mm.Zone.PAGEBLOCK_ORDER;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.mmproto.api.Errno;
import org.mmproto.api.MigrateReason;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.mm.CompactResult;
import org.mmproto.core.mm.CompactionPages;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmCore;

/**
 * struct compact_control and compact_zone() for one zone: the migrate scanner walks pageblocks
 * up from the zone's start isolating movable, unpinned LRU folios (at most COMPACT_CLUSTER_MAX a
 * batch), the free scanner walks down from the last pageblock isolating free blocks of MOVABLE
 * pageblocks as targets; each batch goes through migrate_pages() with MR_COMPACTION and
 * {@link #compactionAlloc} as get_new_folio. The run stops when the scanners meet
 * (COMPACT_COMPLETE) or, for an order, when a free block of it exists (COMPACT_SUCCESS). One
 * object per run; not reused.
 */
final class CompactControl {
    static final int COMPACT_CLUSTER_MAX = 32;

    private final MmCore k;
    private final Migration migration;
    private final Zone z;
    /** -1 = compact_memory / the node's compact file: the whole zone, no target order. */
    private final int order;
    private final Migration.Mode mode;
    private final Memmap mm;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Long>[] freepages = new ArrayDeque[Zone.NR_PAGE_ORDERS];
    private long migratePfn;
    private long freePfn;
    private long freeIsolatedPages;
    private final CompactionStats stats = new CompactionStats();
    private CompactResult result;
    /** Asked before each free-scanner pass (a private node's design); null = the targets are the zone's. */
    private BooleanSupplier targetsAllowed;
    /** Proactive compaction (kcompactd): the run ends once the zone's score is at most this; -1 = not proactive. */
    private int proactiveWmarkLow = -1;
    /** cc->ignore_block_suitable (direct compaction at COMPACT_PRIO_SYNC_FULL): targets from any pageblock. */
    private boolean ignoreBlockSuitable;
    /** compact_zone's last_migrated_pfn: the pageblock of the last batch isolated, 0 once drained. */
    private long lastMigratedPfn;

    CompactControl(MmCore k, Migration migration, Zone z, int order, Migration.Mode mode) {
        this.k = k;
        this.migration = migration;
        this.z = z;
        this.order = order;
        this.mode = mode;
        this.mm = k.memmap();
        for (int o = 0; o < freepages.length; o++) {
            freepages[o] = new ArrayDeque<>();
        }
        this.migratePfn = z.startPfn();
        this.freePfn = (z.endPfn() - 1) & ~(long) (PAGEBLOCK_NR_PAGES - 1);
    }

    CompactControl targetsAllowed(BooleanSupplier gate) {
        this.targetsAllowed = gate;
        return this;
    }

    /** cc->proactive_compaction: finished (COMPACT_SUCCESS) once the zone's fragmentation score is at most {@code wmarkLow}. */
    CompactControl proactive(int wmarkLow) {
        this.proactiveWmarkLow = wmarkLow;
        return this;
    }

    /** compact_zone_order at MIN_COMPACT_PRIORITY: {@code ignoreBlockSuitable} sets ignore_block_suitable. */
    CompactControl direct(boolean ignoreBlockSuitable) {
        this.ignoreBlockSuitable = ignoreBlockSuitable;
        return this;
    }

    CompactionStats stats() {
        return stats;
    }

    /** The outcome; null before {@link #run}. */
    CompactResult result() {
        return result;
    }

    long migratePfn() {
        return migratePfn;
    }

    long freePfn() {
        return freePfn;
    }

    /** compact_zone: runs to the end; returns the outcome. */
    CompactResult run() {
        Tracer tracer = k.mem().tracer();
        String sync = mode == Migration.Mode.MIGRATE_ASYNC ? "async" : "sync";
        if (tracer.on(Tracepoint.MM_COMPACTION_BEGIN)) {
            tracer.emit(Tracepoint.MM_COMPACTION_BEGIN, z.nid(), z.startPfn(), migratePfn, freePfn, z.endPfn(), sync);
        }
        // no drain here: compact_zone flushes only the LRU batches (lru_add_drain), and the
        // per-cpu lists only at check_drain below
        try {
            while (true) {
                if (migratePfn >= freePfn) {
                    result = CompactResult.COMPLETE;
                    break;
                }
                if (proactiveWmarkLow >= 0 && Fragmentation.score(z) <= proactiveWmarkLow) {
                    result = CompactResult.SUCCESS;
                    break;
                }
                if (order > 0 && freeBlockAtLeast(order)) {
                    result = CompactResult.SUCCESS;
                    break;
                }
                List<Long> batch = isolateMigratepages();
                if (batch.isEmpty()) {
                    checkDrain();
                    continue;
                }
                lastMigratedPfn = Math.max(z.startPfn(), pageblockStart(migratePfn - 1));
                Migration.Result r = migration.migrate(batch, z.nid(), this::compactionAlloc, mode,
                        MigrateReason.MR_COMPACTION);
                stats.migrated += r.nrSucceeded();
                stats.failed += batch.size() - r.nrSucceeded();
                if (r.ret() == -Errno.ENOMEM.code() && migratePfn < freePfn) {
                    result = CompactResult.CONTENDED; // compact_zone: no target although the scanners did not meet
                    break;
                }
                checkDrain();
            }
        } finally {
            // release_free_list: __free_pages of each unused isolated block (counted in pgfree);
            // nothing drains the per-cpu lists afterwards
            releaseFreepages();
        }
        k.mem().count(z.nid(), VmStat.COMPACT_MIGRATE_SCANNED, stats.migrateScanned);
        k.mem().count(z.nid(), VmStat.COMPACT_FREE_SCANNED, stats.freeScanned);
        k.mem().count(z.nid(), VmStat.COMPACT_ISOLATED, stats.isolated);
        if (tracer.on(Tracepoint.MM_COMPACTION_END)) {
            tracer.emit(Tracepoint.MM_COMPACTION_END, z.nid(), z.startPfn(), migratePfn, freePfn, z.endPfn(), sync,
                    result == null ? "contended" : result.name().toLowerCase(java.util.Locale.ROOT));
        }
        return result;
    }

    /**
     * compact_zone's check_drain: for an order-aimed run, once the migrate scanner has left the
     * order-aligned block it last migrated from, lru_add_drain_cpu_zone drains this CPU's
     * per-cpu list of the zone (the only pageset modelled), so the freed sources can merge and
     * the next finished check sees them.
     */
    private void checkDrain() {
        if (order > 0 && lastMigratedPfn != 0) {
            long currentBlockStart = Math.max(migratePfn & -(1L << order), z.startPfn());
            if (lastMigratedPfn < currentBlockStart) {
                CompactionPages.drainPcp(z);
                lastMigratedPfn = 0;
            }
        }
    }

    private boolean freeBlockAtLeast(int o) {
        for (int i = o; i < Zone.NR_PAGE_ORDERS; i++) {
            if (z.nrFree(i) > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * isolate_migratepages: from {@code migratePfn} to the end of its pageblock (never into the
     * free scanner's part), up to COMPACT_CLUSTER_MAX folios. Async runs only scan MOVABLE
     * pageblocks (suitable_migration_source).
     */
    List<Long> isolateMigratepages() {
        List<Long> out = new ArrayList<>();
        long blockEnd = Math.min(pageblockEnd(migratePfn), Math.min(freePfn, z.endPfn()));
        if (mode == Migration.Mode.MIGRATE_ASYNC && !CompactionPages.movableBlock(z, migratePfn)) {
            migratePfn = pageblockEnd(migratePfn);
            return out;
        }
        long pfn = migratePfn;
        while (pfn < blockEnd && out.size() < COMPACT_CLUSTER_MAX) {
            stats.migrateScanned++;
            switch (CompactionPages.kind(z, pfn)) {
                case FREE -> pfn += 1L << CompactionPages.freeBlockOrder(z, pfn);
                case FOLIO_HEAD -> {
                    int o = mm.order(pfn);
                    if (isolatable(pfn, o)) {
                        out.add(pfn);
                        stats.isolated += 1L << o;
                    }
                    pfn += 1L << o;
                }
                default -> pfn++;
            }
        }
        migratePfn = pfn >= blockEnd ? pageblockEnd(pfn - 1) : pfn;
        return out;
    }

    /** An LRU user folio, neither pinned nor kept, small enough for the run (skip_isolation_on_order). */
    private boolean isolatable(long pfn, int o) {
        int f = mm.flags(pfn);
        if ((f & Memmap.PG_LRU) == 0 || (f & (Memmap.PG_KEPT | Memmap.PG_ZERO_PAGE | Memmap.PG_HWPOISON)) != 0) {
            return false;
        }
        if (o >= PAGEBLOCK_ORDER || (order >= 0 && o >= order)) {
            return false;
        }
        return !mm.maybeDmaPinned(pfn);
    }

    /**
     * isolate_freepages: pageblocks downward from {@code freePfn}, above the migrate scanner's
     * block; free blocks below pageblock order in MOVABLE pageblocks (any pageblock with
     * ignore_block_suitable). Stops once it holds {@code wanted} pages or reaches the migrate
     * scanner. The blocks leave the allocator's books without an allocation: isolate_freepages_block
     * counts no pgalloc.
     */
    void isolateFreepages(long wanted) {
        if (targetsAllowed != null && !targetsAllowed.getAsBoolean()) {
            stats.targetsRefused++;
            return; // the node's design refused: this pass isolates nothing
        }
        long low = pageblockEnd(migratePfn);
        long block = freePfn;
        while (block >= low && freeIsolatedPages < wanted) {
            if (ignoreBlockSuitable || CompactionPages.movableBlock(z, block)) {
                long end = Math.min(block + PAGEBLOCK_NR_PAGES, z.endPfn());
                for (long pfn = Math.max(block, z.startPfn()); pfn < end; ) {
                    stats.freeScanned++;
                    int o = CompactionPages.freeBlockOrder(z, pfn);
                    if (o < 0) {
                        pfn++;
                        continue;
                    }
                    if (o < PAGEBLOCK_ORDER) {
                        CompactionPages.isolateFree(z, pfn);
                        freepages[o].add(pfn);
                        freeIsolatedPages += 1L << o;
                        stats.isolated += 1L << o;
                    }
                    pfn += 1L << o;
                }
            }
            block -= PAGEBLOCK_NR_PAGES;
        }
        freePfn = block;
    }

    /** compaction_alloc: the smallest isolated free block of at least {@code o}, split down. */
    long compactionAlloc(long srcPfn, int o) {
        int have = smallestAtLeast(o);
        if (have < 0) {
            isolateFreepages(COMPACT_CLUSTER_MAX);
            have = smallestAtLeast(o);
            if (have < 0) {
                return -Errno.ENOMEM.code();
            }
        }
        long pfn = freepages[have].poll();
        while (have > o) {
            have--;
            freepages[have].add(pfn + (1L << have));
        }
        freeIsolatedPages -= 1L << o;
        // post_alloc_hook only: a target is no rmqueue allocation, so no pgalloc_* (its source's
        // free and the target's own later free are pgfree)
        return CompactionPages.prepTarget(z, pfn, o);
    }

    private int smallestAtLeast(int o) {
        for (int i = o; i < freepages.length; i++) {
            if (!freepages[i].isEmpty()) {
                return i;
            }
        }
        return -1;
    }

    private void releaseFreepages() {
        for (int o = 0; o < freepages.length; o++) {
            for (Long pfn : freepages[o]) {
                CompactionPages.releaseFree(k.alloc(), z, pfn, o);
            }
            freepages[o].clear();
        }
        freeIsolatedPages = 0;
    }

    private static long pageblockStart(long pfn) {
        return pfn & ~(long) (PAGEBLOCK_NR_PAGES - 1);
    }

    private static long pageblockEnd(long pfn) {
        return (pfn | (PAGEBLOCK_NR_PAGES - 1)) + 1;
    }
}
