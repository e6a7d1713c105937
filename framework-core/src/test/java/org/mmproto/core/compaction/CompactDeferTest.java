package org.mmproto.core.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.mm.AllocFlags;
import org.mmproto.core.mm.CompactPriority;
import org.mmproto.core.mm.CompactResult;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.testkit.OneTaskKernel;

/**
 * Compaction deferral (defer_compaction / compaction_deferred / compaction_defer_reset, 6.12):
 * the arithmetic of compact_considered and compact_defer_shift, and what it does to kcompactd
 * and to direct compaction when every page left on the node is pinned, so no run can make an
 * order-9 block.
 */
class CompactDeferTest extends OneTaskKernel {
    final List<long[]> pins = new ArrayList<>();

    @AfterEach
    void unpin() {
        pins.forEach(k.gup()::unpin);
    }

    Zone bigZone() {
        Zone best = null;
        for (Zone z : k.mem().node(0).zones()) {
            if (z.populated() && (best == null || z.spannedPages() > best.spannedPages())) {
                best = z;
            }
        }
        return best;
    }

    long vm(VmStat v) {
        return k.mem().vmstat(v);
    }

    @Test
    void each_failure_doubles_the_skips_up_to_63_and_a_success_above_the_order_clears_it() {
        CompactDefer d = new CompactDefer(k.mem().nodeCount());
        Zone z = bigZone();
        assertThat(d.deferred(z, 9)).as("nothing failed yet").isFalse();
        for (int failures = 1; failures <= 8; failures++) {
            d.defer(z, 9);
            int skips = (1 << Math.min(failures, CompactDefer.COMPACT_MAX_DEFER_SHIFT)) - 1;
            for (int i = 0; i < skips; i++) {
                assertThat(d.deferred(z, 9)).as("failure %d, request %d", failures, i).isTrue();
            }
            assertThat(d.deferred(z, 9)).as("failure %d: the %d-th request runs", failures, skips + 1).isFalse();
        }
        assertThat(d.deferShift(z)).isEqualTo(6);
        // compaction made an order-9 block (no allocation yet): orders up to 9 run, the shift stays
        d.reset(z, 9, false);
        assertThat(d.orderFailed(z)).isEqualTo(10);
        assertThat(d.deferShift(z)).isEqualTo(6);
        assertThat(d.deferred(z, 9)).isFalse();
        assertThat(d.considered(z)).as("an order below compact_order_failed is not considered").isEqualTo(64);
        // an order-10 request is still under the old deferral, whose 63 skips are used up
        assertThat(d.deferred(z, 10)).isFalse();
        d.defer(z, 10);
        assertThat(d.deferred(z, 10)).as("failed again: shift stays 6, the skips start over").isTrue();
        assertThat(d.deferred(z, 9)).as("order 9 is below compact_order_failed").isFalse();
        d.reset(z, 9, true);
        assertThat(d.deferShift(z)).isZero();
        assertThat(d.considered(z)).isZero();
    }

    /** Faults 56 MiB on node 0, frees every other page and pins every page kept in the big zone. */
    void fragmentAndPin() {
        long len = 56 * MiB;
        long buf = ops.mmap(a, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "buf");
        assertThat(ops.touch(a, buf, len, true)).isZero();
        Zone z = bigZone();
        for (long p = buf; p < buf + len; p += 2 * 4096) {
            assertThat(ops.munmap(a, p + 4096, 4096)).isZero();
            if (z.spans(ops.folioAt(a, p))) {
                int[] err = new int[1];
                long[] h = k.gup().pin(a, p, 1, Gup.FOLL_WRITE, err);
                assertThat(h).as("pin errno %d", err[0]).isNotNull();
                pins.add(h);
            }
        }
        k.alloc().drainAllPages();
    }

    long kcompactdRun() {
        long before = vm(VmStat.COMPACT_DAEMON_MIGRATE_SCANNED);
        k.kcompactd().wake(0, 9, 3);
        k.kcompactd().tick(1);
        return vm(VmStat.COMPACT_DAEMON_MIGRATE_SCANNED) - before;
    }

    @Test
    void kcompactd_defers_a_zone_it_could_not_compact_and_skips_it_on_the_next_wakeups() {
        fragmentAndPin();
        k.kcompactd().setProactiveness(0);
        Zone z = bigZone();
        assertThat(kcompactdRun()).as("first wakeup scans").isPositive();
        assertThat(compactionOf().defer().deferShift(z)).isEqualTo(1);
        assertThat(kcompactdRun()).as("deferred: one skip after the first failure").isZero();
        assertThat(kcompactdRun()).as("the second request after the failure runs").isPositive();
        assertThat(compactionOf().defer().deferShift(z)).isEqualTo(2);
        for (int i = 0; i < 3; i++) {
            assertThat(kcompactdRun()).as("skip %d of 3", i + 1).isZero();
        }
        assertThat(kcompactdRun()).isPositive();
        assertThat(vm(VmStat.COMPACT_DAEMON_WAKE)).as("every wakeup counts, deferred or not").isEqualTo(7);
    }

    Compaction compactionOf() {
        return k.compaction();
    }

    @Test
    void a_deferred_zone_still_counts_a_compact_stall_but_is_not_scanned() {
        fragmentAndPin();
        k.kcompactd().setProactiveness(0);
        assertThat(kcompactdRun()).isPositive(); // the big zone is deferred now
        Zone z = bigZone();
        int gfp = Gfp.GFP_KERNEL.bits() | Gfp.Bits.THISNODE | Gfp.Bits.COMP | Gfp.Bits.NOWARN;
        long scanned = vm(VmStat.COMPACT_MIGRATE_SCANNED);
        // try_to_compact_pages on that zone alone: COMPACT_DEFERRED, which is not COMPACT_SKIPPED
        assertThat(k.compaction().tryToCompact(new Zone[] {z}, 0, 3, null, 9, gfp, AllocFlags.ALLOC_WMARK_MIN,
                CompactPriority.ASYNC)).isEqualTo(CompactResult.DEFERRED);
        assertThat(vm(VmStat.COMPACT_MIGRATE_SCANNED)).as("the deferred zone was not scanned").isEqualTo(scanned);
        assertThat(k.compaction().defer().considered(z)).isEqualTo(1);
        // the slow path: the big zone is skipped again (its second and last skip), ZONE_DMA is
        // compacted once its free order-9 blocks are taken
        List<Long> dma = new ArrayList<>();
        for (long p; (p = k.alloc().allocPages(Gfp.Bits.DMA | Gfp.Bits.NOWARN, 9, 0, null, 0)) >= 0; ) {
            dma.add(p);
        }
        long pfn = k.alloc().allocPages(gfp, 9, 0, null, 0);
        dma.forEach(p -> k.alloc().freePages(p, 9));
        assertThat(pfn).isNotNegative();
        assertThat(k.memmap().zone(pfn)).isEqualTo(org.mmproto.api.ZoneType.DMA);
        k.alloc().freePages(pfn, 9);
        assertThat(vm(VmStat.COMPACT_STALL)).isEqualTo(1);
        assertThat(vm(VmStat.COMPACT_SUCCESS)).isEqualTo(1);
        assertThat(k.compaction().defer().considered(z)).isEqualTo(2);
        assertThat(k.compaction().defer().deferShift(z)).as("ASYNC compaction defers nothing, resets only its zone").isEqualTo(1);
        // the next request reaches the limit: the big zone is scanned again
        assertThat(k.compaction().tryToCompact(new Zone[] {z}, 0, 3, null, 9, gfp, AllocFlags.ALLOC_WMARK_MIN,
                CompactPriority.ASYNC)).isNotEqualTo(CompactResult.SKIPPED).isNotEqualTo(CompactResult.DEFERRED);
        assertThat(vm(VmStat.COMPACT_MIGRATE_SCANNED)).isGreaterThan(scanned);
    }

    /**
     * kcompactd_do_work: a zone whose run ends with the scanners met (COMPACT_COMPLETE) has its
     * per-cpu lists drained (drain_all_pages(zone)) before it is deferred; compact_zone itself
     * does not drain them at its end, so the same run from direct compaction leaves the freed
     * pages there.
     */
    @Test
    void kcompactd_drains_the_zones_per_cpu_lists_before_deferring_it() {
        fragmentAndPin();
        k.kcompactd().setProactiveness(0);
        Zone z = bigZone();
        long onPcp = putPagesOnPcp(z);
        CompactControl direct = k.compaction().compactZone(z, 9, Migration.Mode.MIGRATE_SYNC_LIGHT);
        assertThat(direct.result()).isEqualTo(CompactResult.COMPLETE);
        assertThat(z.pcpPages()).as("compact_zone leaves the per-cpu lists alone").isEqualTo(onPcp);
        assertThat(compactionOf().defer().deferShift(z)).as("compact_zone itself defers nothing").isZero();
        assertThat(kcompactdRun()).isPositive();
        assertThat(compactionOf().defer().deferShift(z)).isEqualTo(1);
        assertThat(z.pcpPages()).as("drained before the deferral").isZero();
    }

    /** Order-0 pages of {@code z} allocated and freed again: the frees stay on its per-cpu list. */
    long putPagesOnPcp(Zone z) {
        List<Long> got = new ArrayList<>();
        int gfp = Gfp.GFP_KERNEL.bits() | Gfp.Bits.THISNODE | Gfp.Bits.NOWARN;
        for (int i = 0; i < 64; i++) {
            long p = k.alloc().allocPages(gfp, 0, 0, null, 0);
            if (p >= 0) {
                got.add(p);
            }
        }
        got.forEach(p -> k.alloc().freePages(p, 0));
        assertThat(z.pcpPages()).isPositive();
        return z.pcpPages();
    }

    @Test
    void kcompactd_leaves_the_per_cpu_lists_when_it_does_not_run_a_zone() {
        fragmentAndPin();
        k.kcompactd().setProactiveness(0);
        Zone z = bigZone();
        assertThat(kcompactdRun()).isPositive(); // deferred now
        long onPcp = putPagesOnPcp(z);
        assertThat(kcompactdRun()).as("deferred: skipped").isZero();
        assertThat(z.pcpPages()).as("no run, no drain").isEqualTo(onPcp);
    }

    /** try_to_compact_pages at a sync priority defers a zone whose scanners met; SYNC_FULL ignores the deferral. */
    @Test
    void sync_priorities_defer_a_complete_zone_and_sync_full_does_not_consult_the_deferral() {
        fragmentAndPin();
        Zone z = bigZone();
        int gfp = Gfp.GFP_KERNEL.bits() | Gfp.Bits.COMP | Gfp.Bits.NOWARN;
        Zone[] zl = {z};
        assertThat(k.compaction().tryToCompact(zl, 0, 3, null, 9, gfp, AllocFlags.ALLOC_WMARK_MIN,
                CompactPriority.ASYNC)).isEqualTo(CompactResult.COMPLETE);
        assertThat(compactionOf().defer().deferShift(z)).as("async defers nothing").isZero();
        assertThat(k.compaction().tryToCompact(zl, 0, 3, null, 9, gfp, AllocFlags.ALLOC_WMARK_MIN,
                CompactPriority.SYNC_LIGHT)).isEqualTo(CompactResult.COMPLETE);
        assertThat(compactionOf().defer().deferShift(z)).isEqualTo(1);
        int considered = compactionOf().defer().considered(z);
        long scanned = vm(VmStat.COMPACT_MIGRATE_SCANNED);
        assertThat(k.compaction().tryToCompact(zl, 0, 3, null, 9, gfp, AllocFlags.ALLOC_WMARK_MIN,
                CompactPriority.SYNC_FULL)).as("the deferral is not consulted").isEqualTo(CompactResult.COMPLETE);
        assertThat(vm(VmStat.COMPACT_MIGRATE_SCANNED)).isGreaterThan(scanned);
        assertThat(compactionOf().defer().considered(z)).isEqualTo(considered);
        assertThat(compactionOf().defer().deferShift(z)).isEqualTo(2);
        assertThat(k.compaction().tryToCompact(zl, 0, 3, null, 9, gfp, AllocFlags.ALLOC_WMARK_MIN,
                CompactPriority.SYNC_LIGHT)).isEqualTo(CompactResult.DEFERRED);
    }
}
