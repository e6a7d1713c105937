package org.mmproto.core.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateType;
import org.mmproto.api.ZoneType;
import org.mmproto.core.testkit.TestMachines;

/** Split, merge and migratetype fallback of the buddy allocator (mm/page_alloc.c). */
class BuddyTest {
    private PhysicalMemory mem;
    private PageAllocator alloc;
    private Zone dma32;

    @BeforeEach
    void boot() {
        // 64 MiB: ZONE_DMA 16 MiB (4 order-10 blocks), ZONE_DMA32 48 MiB (12 blocks)
        mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        alloc = new PageAllocator(mem, new CountingCheckpoint(1), new NoReclaim(1));
        dma32 = mem.node(0).zone(ZoneType.DMA32);
    }

    @Test
    void boot_frees_every_zone_as_max_order_blocks_on_the_movable_list() {
        assertThat(dma32.nrFree(10)).isEqualTo(12);
        assertThat(dma32.nrFree(10, MigrateType.MOVABLE.ordinal())).isEqualTo(12);
        for (int o = 0; o < 10; o++) {
            assertThat(dma32.nrFree(o)).isZero();
        }
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void order0_allocation_splits_one_max_order_block_into_one_free_block_per_lower_order() {
        long pfn = alloc.allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0, 0, null, 0);
        assertThat(pfn).isGreaterThanOrEqualTo(dma32.startPfn());
        assertThat(dma32.nrFree(10)).isEqualTo(11);
        for (int o = 0; o < 10; o++) {
            assertThat(dma32.nrFree(o)).as("order %d", o).isEqualTo(1);
        }
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void free_merges_with_free_buddies_back_to_max_order() {
        String pristine = ProcFs.buddyinfo(mem);
        long a = alloc.allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0, 0, null, 0);
        long b = alloc.allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits(), 3, 0, null, 0);
        assertThat(a ^ b).as("a and b come from the same max-order block").isLessThan(1024);
        alloc.freePages(a, 0);
        assertThat(DebugVm.check(mem)).isEmpty();
        alloc.freePages(b, 3);
        assertThat(ProcFs.buddyinfo(mem)).isEqualTo(pristine);
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void blocks_are_naturally_aligned_to_their_order() {
        for (int order = 0; order <= 10; order++) {
            long pfn = alloc.allocPages(Gfp.GFP_KERNEL.bits(), order, 0, null, 0);
            assertThat(pfn & ((1L << order) - 1)).as("order %d at 0x%x", order, pfn).isZero();
        }
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void unmovable_allocation_claims_a_whole_movable_max_order_block() {
        long pfn = alloc.allocPages(Gfp.GFP_KERNEL.bits(), 0, 0, null, 0);
        Zone z = mem.zoneOf(pfn);
        // current_order >= pageblock_order: both pageblocks of the order-10 block change type
        assertThat(z.pageblockMigratetype(pfn)).isEqualTo(MigrateType.UNMOVABLE.ordinal());
        assertThat(z.pageblockMigratetype(pfn ^ 512)).isEqualTo(MigrateType.UNMOVABLE.ordinal());
        assertThat(z.pageblocksOfType(MigrateType.UNMOVABLE.ordinal())).isEqualTo(2);
        // the split remainders sit on the UNMOVABLE lists
        assertThat(z.nrFree(9, MigrateType.UNMOVABLE.ordinal())).isEqualTo(1);
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void reclaimable_falls_back_to_unmovable_before_movable() {
        // Make one UNMOVABLE max-order block: allocate it unmovable, free it (pageblocks keep the type).
        long unmovable = alloc.allocPages(Gfp.GFP_KERNEL.bits(), 10, 0, null, 0);
        alloc.freePages(unmovable, 10);
        Zone z = mem.zoneOf(unmovable);
        assertThat(z.nrFree(10, MigrateType.UNMOVABLE.ordinal())).isEqualTo(1);

        long r = alloc.allocPages(Gfp.GFP_KERNEL.or(Gfp.__GFP_RECLAIMABLE).bits(), 0, 0, null, 0);
        assertThat(r >> 10).as("served from the unmovable block").isEqualTo(unmovable >> 10);
        assertThat(z.pageblockMigratetype(r)).isEqualTo(MigrateType.RECLAIMABLE.ordinal());
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void movable_order0_request_steals_a_single_page_from_an_unmovable_block_without_claiming_it() {
        // Drain the zone's buddy lists directly (no watermarks): every block ends up UNMOVABLE-claimed.
        int taken = 0;
        while (Buddy.rmqueue(dma32, 0, Buddy.UNMOVABLE, 0) >= 0) {
            taken++;
        }
        assertThat(taken).isEqualTo(dma32.spannedPages());
        assertThat(dma32.pageblocksOfType(Buddy.UNMOVABLE)).isEqualTo(dma32.pageblockCount());
        int victim = 777;
        Buddy.freeOnePage(dma32, victim, 0, dma32.pageblockMigratetype(dma32.startPfn() + victim));
        assertThat(dma32.nrFree(0, Buddy.UNMOVABLE)).isEqualTo(1);

        // can_steal_fallback is false for an order-0 MOVABLE request, so the claim phase stops and
        // __rmqueue_steal takes the page, leaving the pageblock UNMOVABLE.
        int got = Buddy.rmqueue(dma32, 0, Buddy.MOVABLE, 0);
        assertThat(got).isEqualTo(victim);
        assertThat(dma32.pageblockMigratetype(dma32.startPfn() + victim)).isEqualTo(Buddy.UNMOVABLE);
    }

    @Test
    void nofragment_request_does_not_steal_below_pageblock_order() {
        int taken = 0;
        while (Buddy.rmqueue(dma32, 0, Buddy.UNMOVABLE, 0) >= 0) {
            taken++;
        }
        Buddy.freeOnePage(dma32, 777, 0, Buddy.UNMOVABLE);
        assertThat(Buddy.rmqueue(dma32, 0, Buddy.MOVABLE, AllocFlags.ALLOC_NOFRAGMENT)).isEqualTo(-1);
        assertThat(taken).isPositive();
    }
}
