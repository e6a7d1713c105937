package org.mmproto.core.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mmproto.core.testkit.TestMachines.MiB;

import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.api.ZoneType;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.testkit.TestMachines;

/** __alloc_pages: zone choice, node fallback, watermarks, the slow path and free. */
class PageAllocatorTest {
    /** RFC v4 patch 4: the private node in no other list, first in its own. */
    private static final PrivateNodeLayout V4 = PrivateNodeLayout.of(new org.mmproto.core.hooks.designs.OpsStruct());

    private static final int NOWARN = Gfp.Bits.NOWARN;

    private static PageAllocator allocatorFor(PhysicalMemory mem) {
        return new PageAllocator(mem, new CountingCheckpoint(mem.nodeCount()), new NoReclaim(mem.nodeCount()));
    }

    /** Allocates order-0 pages with {@code gfp} on {@code nid} until failure; returns how many. */
    private static long fill(PageAllocator a, int gfp, int nid) {
        long n = 0;
        while (a.allocPages(gfp | NOWARN, 0, nid, null, nid) >= 0) {
            n++;
        }
        return n;
    }

    @Test
    void gfp_kernel_never_uses_zone_movable_and_highuser_movable_prefers_it() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, false));
        PageAllocator a = allocatorFor(mem);
        long k = a.allocPages(Gfp.GFP_KERNEL.bits(), 0, 2, null, 2);
        assertThat(mem.zoneOf(k).type()).isNotEqualTo(ZoneType.MOVABLE);
        long m = a.allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0, 2, null, 2);
        assertThat(mem.zoneOf(m).type()).isEqualTo(ZoneType.MOVABLE);
        assertThat(mem.zoneOf(m).nid()).isEqualTo(2);
    }

    @Test
    void gfp_dma32_is_served_at_or_below_4GiB() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(8L << 30));
        PageAllocator a = allocatorFor(mem);
        long p = a.allocPages(Gfp.GFP_DMA32.bits(), 0, 0, null, 0);
        assertThat(mem.zoneOf(p).type()).isEqualTo(ZoneType.DMA32);
        assertThat(p).isLessThan((4L << 30) >> 12);
    }

    @Test
    void thisnode_allocation_fails_when_its_node_is_exhausted_instead_of_falling_back() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, false));
        PageAllocator a = allocatorFor(mem);
        int thisnode = Gfp.GFP_KERNEL.or(Gfp.__GFP_THISNODE).bits();
        assertThat(fill(a, thisnode, 1)).isPositive();
        assertThat(a.allocPages(thisnode | NOWARN, 0, 1, null, 1)).isEqualTo(-Errno.ENOMEM.code());
        long fallback = a.allocPages(Gfp.GFP_KERNEL.bits(), 0, 1, null, 1);
        assertThat(mem.zoneOf(fallback).nid()).isEqualTo(0);
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void numa_counters_count_events_on_the_node_used_and_foreign_on_the_preferred_node() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, false));
        PageAllocator a = allocatorFor(mem);
        long hits = fill(a, Gfp.GFP_KERNEL.or(Gfp.__GFP_THISNODE).bits(), 1);
        assertThat(mem.node(1).vmstat(VmStat.NUMA_HIT)).isEqualTo(hits);
        assertThat(mem.node(1).vmstat(VmStat.NUMA_LOCAL)).isEqualTo(hits);
        long p = a.allocPages(Gfp.GFP_KERNEL.bits(), 3, 1, null, 1);
        assertThat(mem.zoneOf(p).nid()).isEqualTo(0);
        // one allocation event, whatever its order
        assertThat(mem.node(0).vmstat(VmStat.NUMA_MISS)).isEqualTo(1);
        assertThat(mem.node(0).vmstat(VmStat.NUMA_OTHER)).isEqualTo(1);
        assertThat(mem.node(1).vmstat(VmStat.NUMA_FOREIGN)).isEqualTo(1);
        // pgalloc counts pages
        long pgalloc = mem.vmstat(VmStat.PGALLOC_DMA) + mem.vmstat(VmStat.PGALLOC_DMA32)
                + mem.vmstat(VmStat.PGALLOC_NORMAL) + mem.vmstat(VmStat.PGALLOC_MOVABLE);
        assertThat(pgalloc).isEqualTo(hits + 8);
    }

    @Test
    void fast_path_stops_at_low_watermark_and_slow_path_reaches_min() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        PageAllocator a = allocatorFor(mem);
        // GFP_NOWAIT: no direct reclaim, so the slow path adds ALLOC_NON_BLOCK but not MIN_RESERVE
        fill(a, Gfp.GFP_KERNEL.bits(), 0);
        for (Zone z : mem.node(0).zones()) {
            // free pages end at or just above the min watermark plus reserve, never below
            long reserveNeeded = z.watermark(Zone.WMARK_MIN) + z.lowmemReserve(ZoneType.NORMAL.ordinal());
            assertThat(z.freePages()).as("%s", z).isLessThanOrEqualTo(reserveNeeded + 1);
        }
        long atomic = fill(a, Gfp.GFP_ATOMIC.bits(), 0);
        assertThat(atomic).as("GFP_ATOMIC dips into the min reserve").isPositive();
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void gfp_high_reserve_lets_atomic_go_below_min_but_not_to_zero() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        PageAllocator a = allocatorFor(mem);
        fill(a, Gfp.GFP_KERNEL.bits(), 0);
        fill(a, Gfp.GFP_ATOMIC.bits(), 0);
        Zone dma32 = mem.node(0).zone(ZoneType.DMA32);
        long min = dma32.watermark(Zone.WMARK_MIN);
        // ALLOC_MIN_RESERVE halves min, ALLOC_NON_BLOCK takes a further quarter: min - min/2 - (min - min/2)/4
        long half = min - min / 2;
        long atomicFloor = half - half / 4;
        assertThat(dma32.freePages()).isLessThanOrEqualTo(atomicFloor + 1).isGreaterThan(0);
    }

    @Test
    void memalloc_ignores_watermarks_and_nomemalloc_forbids_it() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        PageAllocator a = allocatorFor(mem);
        fill(a, Gfp.GFP_ATOMIC.bits(), 0);
        int nomem = Gfp.GFP_KERNEL.or(Gfp.__GFP_MEMALLOC).or(Gfp.__GFP_NOMEMALLOC).bits();
        assertThat(a.allocPages(nomem | NOWARN, 0, 0, null, 0)).isNegative();
        long memalloc = fill(a, Gfp.GFP_KERNEL.or(Gfp.__GFP_MEMALLOC).bits(), 0);
        assertThat(memalloc).isPositive();
        assertThat(mem.totalFreePages()).isZero();
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void direct_reclaim_is_entered_only_when_the_mask_allows_blocking() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        NoReclaim reclaim = new NoReclaim(1);
        PageAllocator a = new PageAllocator(mem, new CountingCheckpoint(1), reclaim);
        fill(a, Gfp.GFP_KERNEL.bits(), 0);
        long stalls = mem.vmstat(VmStat.ALLOCSTALL_NORMAL);
        assertThat(stalls).isEqualTo(1);
        assertThat(reclaim.directReclaimRuns()).isEqualTo(1);
        assertThat(reclaim.kswapdWakeups(0)).isPositive();
        a.allocPages(Gfp.GFP_NOWAIT.bits(), 0, 0, null, 0);
        assertThat(mem.vmstat(VmStat.ALLOCSTALL_NORMAL)).isEqualTo(stalls);
    }

    @Test
    void order_above_max_page_order_fails_with_enomem() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        PageAllocator a = allocatorFor(mem);
        assertThat(a.allocPages(Gfp.GFP_KERNEL.bits(), 11, 0, null, 0)).isEqualTo(-Errno.ENOMEM.code());
    }

    @Test
    void invalid_masks_and_nodes_are_einval() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        PageAllocator a = allocatorFor(mem);
        int both = Gfp.__GFP_MOVABLE.or(Gfp.__GFP_RECLAIMABLE).bits();
        assertThat(a.allocPages(both, 0, 0, null, 0)).isEqualTo(-Errno.EINVAL.code());
        int badZone = Gfp.__GFP_DMA.or(Gfp.__GFP_DMA32).bits();
        assertThat(a.allocPages(badZone, 0, 0, null, 0)).isEqualTo(-Errno.EINVAL.code());
        assertThat(a.allocPages(Gfp.GFP_KERNEL.bits(), 0, 5, null, 0)).isEqualTo(-Errno.EINVAL.code());
    }

    @Test
    void nodemask_restricts_the_walk_and_an_empty_intersection_fails() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, false));
        PageAllocator a = allocatorFor(mem);
        long p = a.allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0, 0, NodeMask.of(1), 0);
        assertThat(mem.zoneOf(p).nid()).isEqualTo(1);
        // node 2 is ZONE_MOVABLE only: a GFP_KERNEL request bound to it has no eligible zone
        assertThat(a.allocPages(Gfp.GFP_KERNEL.bits() | NOWARN, 0, 0, NodeMask.of(2), 0)).isEqualTo(-Errno.ENOMEM.code());
    }

    @Test
    void private_node_is_never_reached_by_fallback_but_is_by_naming_it() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, true), V4);
        CountingCheckpoint cp = new CountingCheckpoint(3);
        PageAllocator a = new PageAllocator(mem, cp, new NoReclaim(3));
        fill(a, Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0);
        fill(a, Gfp.GFP_HIGHUSER_MOVABLE.bits(), 1);
        assertThat(mem.node(2).freePages()).isEqualTo(mem.node(2).managedPages());
        assertThat(cp.consulted(2)).isZero();
        // a nodemask naming it does not put it in node 0's zonelist
        assertThat(a.allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits() | NOWARN, 0, 0, NodeMask.of(2), 0)).isNegative();
        long p = a.allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0, 2, null, 0);
        assertThat(mem.zoneOf(p).nid()).isEqualTo(2);
        assertThat(cp.consulted(2)).isEqualTo(1);
        long t = a.allocPages(Gfp.GFP_KERNEL.or(Gfp.__GFP_THISNODE).bits(), 0, 2, null, 0);
        assertThat(mem.zoneOf(t).nid()).isEqualTo(2);
        assertThat(cp.consulted(2)).isEqualTo(2);
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void a_refusing_checkpoint_makes_private_allocations_fall_back_to_dram_or_fail_with_thisnode() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, true), V4);
        PageAllocator a = new PageAllocator(mem, (nid, zone, gfp, order, pref) -> false, new NoReclaim(3));
        long p = a.allocPages(Gfp.GFP_KERNEL.bits(), 0, 2, null, 2);
        assertThat(mem.zoneOf(p).nid()).isEqualTo(0);
        assertThat(a.allocPages(Gfp.GFP_KERNEL.or(Gfp.__GFP_THISNODE).bits() | NOWARN, 0, 2, null, 2)).isNegative();
    }

    @Test
    void double_free_is_an_error_naming_the_pfn_and_changes_nothing() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        PageAllocator a = allocatorFor(mem);
        long p = a.allocPages(Gfp.GFP_KERNEL.bits(), 2, 0, null, 0);
        a.freePages(p, 2);
        String before = ProcFs.buddyinfo(mem) + ProcFs.vmstat(mem);
        assertThatThrownBy(() -> a.freePages(p, 2)).isInstanceOf(BadFreeException.class)
                .hasMessageContaining(String.format("0x%x", p)).hasMessageContaining("double free");
        assertThat(ProcFs.buddyinfo(mem) + ProcFs.vmstat(mem)).isEqualTo(before);
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void freeing_with_the_wrong_order_or_a_tail_page_is_refused() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        PageAllocator a = allocatorFor(mem);
        long p = a.allocPages(Gfp.GFP_KERNEL.bits(), 2, 0, null, 0);
        assertThatThrownBy(() -> a.freePages(p, 1)).isInstanceOf(BadFreeException.class)
                .hasMessageContaining("allocated as order 2");
        assertThatThrownBy(() -> a.freePages(p + 1, 0)).isInstanceOf(BadFreeException.class)
                .hasMessageContaining("folio tail");
        assertThatThrownBy(() -> a.freePages(1L << 40, 0)).isInstanceOf(BadFreeException.class)
                .hasMessageContaining("not in any zone");
        assertThat(DebugVm.check(mem)).isEmpty();
        a.freePages(p, 2);
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void alloc_value_form_reports_node_and_zone() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        PageAllocator a = allocatorFor(mem);
        AllocResult r = a.alloc(Gfp.GFP_KERNEL, 0, 0, null);
        assertThat(r).isInstanceOf(AllocResult.Allocated.class);
        assertThat(((AllocResult.Allocated) r).zone()).isEqualTo(ZoneType.DMA32);
        assertThat(a.alloc(Gfp.GFP_KERNEL, 11, 0, null)).isEqualTo(new AllocResult.Failed(Errno.ENOMEM));
    }
}
