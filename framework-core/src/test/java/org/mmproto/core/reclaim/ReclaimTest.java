package org.mmproto.core.reclaim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.mm.Lru;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.Task;

/** LRU aging, kswapd, direct and proactive reclaim, and the swap round trip on a 64 MiB node. */
class ReclaimTest extends SingleNodeTask {
    @Test
    void faults_add_folios_to_the_inactive_anon_list_and_frees_remove_them() {
        long buf = anon(4 * MiB);
        ops.touch(a, buf, 4 * MiB, true);
        assertThat(k.lru().pages(0, Lru.INACTIVE_ANON)).isEqualTo(1024);
        assertThat(k.lru().listOf(Pte.pfn(pte(buf)))).isEqualTo(Lru.INACTIVE_ANON);
        ops.munmap(a, buf, 2 * MiB);
        assertThat(k.lru().pages(0, Lru.INACTIVE_ANON)).isEqualTo(512);
        ops.exit(a);
        assertThat(k.lru().pages(0, Lru.INACTIVE_ANON)).isZero();
        assertThat(k.lru().tail(0, Lru.INACTIVE_ANON)).isEqualTo(-1);
    }

    @Test
    void a_thp_is_one_lru_entry_of_512_pages_until_split() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        long buf = anon(4 * MiB);
        long huge = (buf + 2 * MiB - 1) & -(2 * MiB);
        ops.touch(a, huge, 2 * MiB, true);
        long head = Pte.pfn(pte(huge));
        assertThat(k.lru().orderOf(head)).isEqualTo(9);
        assertThat(k.lru().pages(0, Lru.INACTIVE_ANON)).isEqualTo(512);
        ops.munmap(a, huge, 4096); // partial unmap splits the PMD and queues the folio: still one entry
        assertThat(k.lru().pages(0, Lru.INACTIVE_ANON)).isEqualTo(512);
        assertThat(k.mem().vmstat(VmStat.THP_DEFERRED_SPLIT_PAGE)).isEqualTo(1);
        // the deferred-split shrinker (reclaim's shrink_slab at priority 0) splits it: 511 order-0 folios stay listed
        assertThat(k.core().shrinkers().shrink(0, 0)).isEqualTo(1);
        assertThat(k.lru().pages(0, Lru.INACTIVE_ANON)).isEqualTo(511);
        assertThat(k.lru().listOf(head + 1)).isEqualTo(Lru.INACTIVE_ANON);
    }

    @Test
    void second_chance_keeps_touched_pages_and_reclaims_the_untouched_ones() {
        k.swap().swapon(16 * 256);
        long cold = anon(1 * MiB);
        long hot = anon(1 * MiB);
        ops.touch(a, cold, 1 * MiB, true);   // faulted first: the inactive list's tail
        ops.touch(a, hot, 1 * MiB, true);
        // one page asked: the whole list is aged once (each folio referenced by its fault: kept,
        // PG_referenced), then the oldest chunk goes
        long first = k.reclaim().proactive(0, 1);
        assertThat(first).isBetween(1L, 32L);
        assertThat(stat(VmStat.PGSCAN_PROACTIVE)).isGreaterThan(512);
        assertThat(stat(VmStat.PGACTIVATE)).isZero();
        for (long p = cold; p < cold + first * 4096; p += 4096) {
            assertThat(Pte.isSwap(pte(p))).as("oldest page %x", p).isTrue();
        }
        ops.touch(a, hot, 1 * MiB, false);
        // the rest of the cold pages go; the hot ones met on the way are activated, not reclaimed
        assertThat(k.reclaim().proactive(0, 256 - first)).isEqualTo(256 - first);
        for (long p = cold; p < cold + MiB; p += 4096) {
            assertThat(Pte.isSwap(pte(p))).as("cold page %x", p).isTrue();
        }
        for (long p = hot; p < hot + MiB; p += 4096) {
            assertThat(Pte.present(pte(p))).as("hot page %x", p).isTrue();
        }
        // the next scan meets the hot pages: referenced again, so activated, not reclaimed
        k.reclaim().proactive(0, 1);
        assertThat(stat(VmStat.PGACTIVATE)).isPositive();
        assertThat(k.lru().pages(0, Lru.ACTIVE_ANON)).isPositive();
        assertThat(stat(VmStat.PGSTEAL_PROACTIVE)).isGreaterThanOrEqualTo(256);
        assertThat(stat(VmStat.PSWPOUT)).isEqualTo(stat(VmStat.PGSTEAL_PROACTIVE));
        assertThat(k.swap().freePages()).isEqualTo(k.swap().totalPages() - stat(VmStat.PSWPOUT));
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void shrink_active_list_deactivates_when_the_inactive_list_is_low() {
        k.swap().swapon(16 * 256);
        long buf = anon(2 * MiB);
        ops.touch(a, buf, 2 * MiB, true);
        long first = k.reclaim().proactive(0, 1); // aged once, the oldest chunk reclaimed
        ops.touch(a, buf, 2 * MiB, false);       // referenced again: the next scan activates
        long reclaimed = k.reclaim().proactive(0, 1);
        assertThat(stat(VmStat.PGACTIVATE)).isPositive();
        // activation made the inactive list low: shrink_active_list moved folios back, and
        // those (no longer young) were the ones reclaimed
        assertThat(stat(VmStat.PGDEACTIVATE)).isPositive();
        assertThat(stat(VmStat.PGREFILL)).isEqualTo(stat(VmStat.PGDEACTIVATE));
        assertThat(reclaimed).isPositive();
        // the first call's pages came back on the read (swap-in), the second call's went
        assertThat(stat(VmStat.PSWPIN)).isEqualTo(first);
        assertThat(k.lru().pages(0, Lru.ACTIVE_ANON) + k.lru().pages(0, Lru.INACTIVE_ANON))
                .isEqualTo(512 - reclaimed);
    }

    @Test
    void swap_out_and_in_round_trip() {
        k.swap().swapon(16 * 256);
        long buf = anon(1 * MiB);
        ops.touch(a, buf, 1 * MiB, true);
        long used = k.mem().pagesInFolios();
        assertThat(k.reclaim().proactive(0, 256)).isEqualTo(256);
        assertThat(k.mem().pagesInFolios()).isEqualTo(used - 256);
        long slot = Pte.swapSlot(pte(buf));
        assertThat(k.swap().count(slot)).isEqualTo(1);
        assertThat(k.lru().pages(0, Lru.INACTIVE_ANON)).isZero();
        // read faults bring the pages back: major faults, pswpin, slots freed
        assertThat(ops.touch(a, buf, 1 * MiB, false)).isZero();
        assertThat(stat(VmStat.PSWPIN)).isEqualTo(256);
        assertThat(stat(VmStat.PGMAJFAULT)).isEqualTo(256);
        assertThat(k.swap().count(slot)).isZero();
        assertThat(k.swap().freePages()).isEqualTo(k.swap().totalPages());
        long pte = pte(buf);
        assertThat(Pte.present(pte)).isTrue();
        assertThat(pte & Pte.ZERO).isZero();
        assertThat(k.memmap().mapcount(Pte.pfn(pte))).isEqualTo(1);
        assertThat(k.lru().pages(0, Lru.INACTIVE_ANON)).isEqualTo(256);
        // a write to the swapped-in page reuses it (sole owner), no copy
        long before = k.mem().pagesInFolios();
        assertThat(ops.touch(a, buf, 4096, true)).isZero();
        assertThat(k.mem().pagesInFolios()).isEqualTo(before);
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void fork_shares_a_swap_entry_and_exit_releases_it() {
        k.swap().swapon(16 * 256);
        long buf = anon(64 * 1024);
        ops.touch(a, buf, 64 * 1024, true);
        k.reclaim().proactive(0, 16);
        long slot = Pte.swapSlot(pte(buf));
        Task b = ops.fork(a, "b", 0);
        assertThat(k.swap().count(slot)).isEqualTo(2);
        ops.exit(a);
        assertThat(k.swap().count(slot)).isEqualTo(1);
        ops.exit(b);
        assertThat(k.swap().freePages()).isEqualTo(k.swap().totalPages());
    }

    @Test
    void without_swap_or_with_swap_full_anon_is_not_reclaimed() {
        long buf = anon(1 * MiB);
        ops.touch(a, buf, 1 * MiB, true);
        assertThat(k.reclaim().proactive(0, 256)).isZero();
        assertThat(stat(VmStat.PGSCAN_PROACTIVE)).isZero(); // no swap: anon is not even scanned
        k.swap().swapon(1 + 16);                            // 16 slots
        long got = k.reclaim().proactive(0, 256);
        assertThat(got).isEqualTo(16);
        assertThat(k.swap().freePages()).isZero();
        assertThat(stat(VmStat.PSWPOUT)).isEqualTo(16);
        assertThat(k.reclaim().reclaimablePages(k.mem().node(0).zone(org.mmproto.api.ZoneType.NORMAL))).isZero();
    }

    @Test
    void kswapd_woken_below_low_reclaims_to_the_high_watermark_on_tick() {
        k.swap().swapon(64 * 256);
        Node n = k.mem().node(0);
        long buf = anon(40 * MiB);
        ops.touch(a, buf, 40 * MiB, true);
        k.reclaim().proactive(0, 1); // ages the list once: the faults' references are used up
        long proactive = stat(VmStat.PSWPOUT);
        // kernel pages until an allocation finds every zone below low and wakes kswapd
        for (int i = 0; i < 1 << 14 && !k.reclaim().kswapdWoken(0); i++) {
            assertThat(k.alloc().allocPages(Gfp.GFP_KERNEL.bits() | Gfp.Bits.THISNODE, 0, 0, null, 0)).isNotNegative();
        }
        assertThat(k.reclaim().kswapdWoken(0)).isTrue();
        long pgsteal = stat(VmStat.PGSTEAL_KSWAPD);
        long reclaimed = k.reclaim().tick(100);
        assertThat(reclaimed).isPositive();
        assertThat(stat(VmStat.PGSTEAL_KSWAPD) - pgsteal).isEqualTo(reclaimed);
        assertThat(stat(VmStat.PGSCAN_KSWAPD)).isGreaterThanOrEqualTo(reclaimed);
        assertThat(stat(VmStat.PAGEOUTRUN)).isEqualTo(1);
        boolean balanced = false;
        for (Zone z : n.zones()) {
            balanced |= z.managedPages() > 0 && PageAllocator.watermarkOk(z, 0, Zone.WMARK_HIGH, 2);
        }
        assertThat(balanced).isTrue();
        assertThat(k.reclaim().kswapdWoken(0)).isFalse();
        assertThat(stat(VmStat.PGSTEAL_DIRECT)).isZero();
    }

    @Test
    void direct_reclaim_frees_pages_for_an_allocation_that_would_fail() {
        k.swap().swapon(64 * 256);
        long buf = anon(48 * MiB);
        ops.touch(a, buf, 48 * MiB, true);
        long n = 0;
        while (k.alloc().allocPages(Gfp.GFP_KERNEL.bits() | Gfp.Bits.THISNODE, 0, 0, null, 0) >= 0 && n < 1 << 20) {
            n++;
            if (stat(VmStat.ALLOCSTALL_NORMAL) + stat(VmStat.ALLOCSTALL_DMA32) > 0
                    && stat(VmStat.PGSTEAL_DIRECT) > 0) {
                break;
            }
        }
        assertThat(stat(VmStat.PGSTEAL_DIRECT)).isPositive();
        assertThat(stat(VmStat.PGSCAN_DIRECT)).isGreaterThanOrEqualTo(stat(VmStat.PGSTEAL_DIRECT));
        assertThat(stat(VmStat.PSWPOUT)).isEqualTo(stat(VmStat.PGSTEAL_DIRECT));
        assertThat(stat(VmStat.PGSTEAL_KSWAPD)).isZero(); // woken, but no tick ran it
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }
}
