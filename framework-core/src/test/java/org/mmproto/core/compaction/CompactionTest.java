package org.mmproto.core.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.mm.CompactResult;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.testkit.OneTaskKernel;

/**
 * compact_zone on a node fragmented by interleaved frees: task a faults most of a 64 MiB node
 * and unmaps every other page, so no order-9 block is free; compaction must make one.
 */
class CompactionTest extends OneTaskKernel {

    long buf;
    long len;


    Zone zone() {
        Zone best = null;
        for (Zone z : k.mem().node(0).zones()) {
            if (z.populated() && (best == null || z.spannedPages() > best.spannedPages())) {
                best = z;
            }
        }
        return best;
    }

    /** Faults {@code bytes} on node 0 and unmaps every other page; returns the kept pages' addresses. */
    List<Long> fragment(long bytes) {
        len = bytes;
        buf = ops.mmap(a, 0, bytes, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "buf");
        assertThat(ops.touch(a, buf, bytes, true)).isZero();
        List<Long> kept = new ArrayList<>();
        for (long p = buf; p < buf + bytes; p += 2 * 4096) {
            assertThat(ops.munmap(a, p + 4096, 4096)).isZero();
            kept.add(p);
        }
        k.alloc().drainAllPages();
        return kept;
    }

    static long highOrderFree(Zone z) {
        long n = 0;
        for (int o = Zone.PAGEBLOCK_ORDER; o < Zone.NR_PAGE_ORDERS; o++) {
            n += z.nrFree(o);
        }
        return n;
    }

    long vm(VmStat v) {
        return k.mem().vmstat(v);
    }

    @Test
    void fragmented_zone_gets_an_order_9_block() {
        fragment(56 * MiB);
        Zone z = zone();
        assertThat(highOrderFree(z)).isZero();
        assertThat(Fragmentation.unusableIndex(z, 9)).isEqualTo(1000);
        var r = k.compaction().compactNode(0);
        assertThat(r.ret()).isZero();
        assertThat(highOrderFree(z)).isPositive();
        assertThat(Fragmentation.unusableIndex(z, 9)).isLessThan(1000);
        assertThat(r.stats().migrated()).isPositive();
        assertThat(vm(VmStat.COMPACT_MIGRATE_SCANNED)).isEqualTo(r.stats().migrateScanned()).isPositive();
        assertThat(vm(VmStat.COMPACT_FREE_SCANNED)).isEqualTo(r.stats().freeScanned()).isPositive();
        assertThat(vm(VmStat.COMPACT_ISOLATED)).isEqualTo(r.stats().isolated()).isPositive();
        assertThat(vm(VmStat.PGMIGRATE_SUCCESS)).isEqualTo(r.stats().migrated());
        assertThat(k.migration().reasonCounts().succeeded(org.mmproto.api.MigrateReason.MR_COMPACTION))
                .isEqualTo(r.stats().migrated());
        // manual compaction is no direct compaction
        assertThat(vm(VmStat.COMPACT_STALL)).isZero();
    }

    @Test
    void the_scanners_meet_and_folios_only_move_up_keeping_mappings_refs_and_lru() {
        List<Long> kept = fragment(56 * MiB);
        Zone z = zone();
        List<Long> before = new ArrayList<>();
        for (long addr : kept) {
            before.add(ops.folioAt(a, addr));
        }
        CompactControl cc = k.compaction().compactZone(z, -1, Migration.Mode.MIGRATE_SYNC_LIGHT);
        assertThat(cc.result()).isEqualTo(CompactResult.COMPLETE);
        assertThat(cc.migratePfn()).isGreaterThanOrEqualTo(cc.freePfn());
        Memmap mm = k.memmap();
        int moved = 0;
        for (int i = 0; i < kept.size(); i++) {
            long now = ops.folioAt(a, kept.get(i));
            long old = before.get(i);
            if (now != old) {
                moved++;
                // targets come from the free scanner, above the meeting point; sources from below
                assertThat(now).isGreaterThanOrEqualTo(cc.freePfn());
                assertThat(old).isLessThan(cc.migratePfn());
                assertThat(mm.isFolioHead(old)).isFalse();
            }
            assertThat(mm.mapcount(now)).isEqualTo(1);
            assertThat(mm.refcount(now)).isEqualTo(1);
            assertThat(mm.flags(now) & (Memmap.PG_LRU | Memmap.PG_ANON)).isEqualTo(Memmap.PG_LRU | Memmap.PG_ANON);
            assertThat(k.lru().listOf(now)).isNotNegative();
            assertThat(k.rmap().headOf(now)).isEqualTo(now);
        }
        assertThat((long) moved).isEqualTo(cc.stats().migrated()).isPositive();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void pinned_folios_are_not_isolated_and_stay_put() {
        List<Long> kept = fragment(56 * MiB);
        Zone z = zone();
        List<long[]> pins = new ArrayList<>();
        List<Long> pinnedHeads = new ArrayList<>();
        // the lowest pages of the zone: the migrate scanner's part
        List<Long> low = new ArrayList<>(kept.stream().filter(addr -> z.spans(ops.folioAt(a, addr))).toList());
        low.sort(java.util.Comparator.comparingLong(addr -> ops.folioAt(a, addr)));
        for (long addr : low.subList(0, 64)) {
            int[] err = new int[1];
            long[] h = k.gup().pin(a, addr, 1, org.mmproto.core.gup.Gup.FOLL_WRITE, err);
            assertThat(h).as("pin errno %d", err[0]).isNotNull();
            pins.add(h);
            pinnedHeads.add(h[0]);
        }
        assertThat(pinnedHeads).isNotEmpty();
        long isolatedBefore = vm(VmStat.COMPACT_ISOLATED);
        var r = k.compaction().compactNode(0);
        assertThat(r.stats().migrated()).isPositive();
        assertThat(vm(VmStat.COMPACT_ISOLATED) - isolatedBefore).isEqualTo(r.stats().isolated());
        for (long h : pinnedHeads) {
            assertThat(k.memmap().isFolioHead(h)).isTrue();
            assertThat(k.memmap().maybeDmaPinned(h)).isTrue();
        }
        // a pinned folio is never isolated, so none of the failures is a pinned one
        assertThat(r.stats().failed()).isZero();
        pins.forEach(k.gup()::unpin);
    }

    @Test
    void a_costly_allocation_stalls_in_direct_compaction_and_succeeds() {
        fragment(56 * MiB);
        Zone z = zone();
        assertThat(highOrderFree(z)).isZero();
        // ZONE_DMA's free order-9 blocks would serve the request first: take them (no reclaim, no compaction)
        List<Long> dma = new ArrayList<>();
        for (long p; (p = k.alloc().allocPages(org.mmproto.api.Gfp.Bits.DMA | org.mmproto.api.Gfp.Bits.NOWARN,
                9, 0, null, 0)) >= 0; ) {
            dma.add(p);
        }
        int gfp = org.mmproto.api.Gfp.GFP_KERNEL.bits() | org.mmproto.api.Gfp.Bits.THISNODE
                | org.mmproto.api.Gfp.Bits.COMP | org.mmproto.api.Gfp.Bits.NOWARN;
        long pfn = k.alloc().allocPages(gfp, 9, 0, null, 0);
        assertThat(pfn).isNotNegative();
        assertThat(k.memmap().nid(pfn)).isZero();
        assertThat(vm(VmStat.COMPACT_STALL)).isEqualTo(1);
        assertThat(vm(VmStat.COMPACT_SUCCESS)).isEqualTo(1);
        assertThat(vm(VmStat.COMPACT_FAIL)).isZero();
        assertThat(vm(VmStat.COMPACT_MIGRATE_SCANNED)).isPositive();
        k.alloc().freePages(pfn, 9);
        dma.forEach(p -> k.alloc().freePages(p, 9));
    }

    @Test
    void a_costly_allocation_with_nothing_movable_skips_compaction_uncounted() {
        int gfp = org.mmproto.api.Gfp.GFP_KERNEL.bits() | org.mmproto.api.Gfp.Bits.THISNODE
                | org.mmproto.api.Gfp.Bits.COMP | org.mmproto.api.Gfp.Bits.NOWARN;
        long pfn = k.alloc().allocPages(gfp, 9, 0, null, 0);
        assertThat(pfn).isNotNegative();
        assertThat(vm(VmStat.COMPACT_STALL)).isZero();
        k.alloc().freePages(pfn, 9);
    }

    /**
     * Compaction allocates no page through rmqueue: its targets are free blocks the free scanner
     * isolated, so pgalloc_* does not move; every isolated block is counted once in pgfree (the
     * migrated sources' frees match the targets used, release_free_list frees the rest), and the
     * node's pgalloc_* - pgfree stays equal to its folios less the pages compaction isolated.
     */
    @Test
    void compaction_counts_no_pgalloc_and_one_pgfree_per_isolated_free_page() {
        fragment(56 * MiB);
        long[] pgalloc = new long[org.mmproto.api.ZoneType.MAX_NR_ZONES];
        for (int t = 0; t < pgalloc.length; t++) {
            pgalloc[t] = vm(VmStat.pgalloc(t));
        }
        long pgfree = vm(VmStat.PGFREE);
        long isolatedFree = freeIsolated();
        var r = k.compaction().compactNode(0);
        assertThat(r.stats().migrated()).isPositive();
        for (int t = 0; t < pgalloc.length; t++) {
            assertThat(vm(VmStat.pgalloc(t))).as("pgalloc zone %d", t).isEqualTo(pgalloc[t]);
        }
        long taken = freeIsolated() - isolatedFree;
        assertThat(taken).as("free pages isolated").isGreaterThan(r.stats().migrated());
        assertThat(vm(VmStat.PGFREE) - pgfree).isEqualTo(taken);
        // compact_isolated counts both scanners' pages: the migrate scanner's are the folios tried
        assertThat(vm(VmStat.COMPACT_ISOLATED)).isEqualTo(taken + r.stats().migrated() + r.stats().failed());
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    long freeIsolated() {
        long n = 0;
        for (Zone z : k.mem().zones()) {
            n += org.mmproto.core.mm.CompactionPages.freeIsolated(z);
        }
        return n;
    }
}
