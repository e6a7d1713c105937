package org.mmproto.core.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.GiB;
import static org.mmproto.core.testkit.TestMachines.MiB;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.api.ZoneType;
import org.mmproto.core.testkit.TestMachines;

/** Per-CPU page lists: rmqueue_bulk refills, free_pcppages_bulk drains, and the accounting around them. */
class PcpTest {

    private static PageAllocator pcpAllocator(PhysicalMemory mem) {
        return new PageAllocator(mem, new CountingCheckpoint(mem.nodeCount()), new NoReclaim(mem.nodeCount())).enablePcp();
    }

    @Test
    void batch_and_high_follow_zone_batchsize_and_zone_highsize() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(4 * GiB));
        pcpAllocator(mem);
        Zone dma32 = mem.node(0).zone(ZoneType.DMA32);
        Zone dma = mem.node(0).zone(ZoneType.DMA);
        // min(1044480 >> 10, 256) / 4 = 64 -> rounddown_pow_of_two(96) - 1 = 63; checked on
        // realkernel 6.12: a 954 MiB DMA32 zone reports "batch: 63" in /proc/zoneinfo
        assertThat(dma32.pcp().batch()).isEqualTo(63);
        // high_min = max(low / cpus on node (2), batch << 2) = max(14025 / 2, 252); the realkernel
        // check above showed high_min = low watermark on a node with one CPU
        assertThat(dma32.pcp().highMin()).isEqualTo(7012);
        // high_max = max(managed / 8 / cpus, batch << 2)
        assertThat(dma32.pcp().highMax()).isEqualTo(1044480 / 8 / 2);
        // DMA: 4096 >> 10 = 4, / 4 = 1 -> rounddown_pow_of_two(1) - 1 = 0, max(1, 0) = 1 (realkernel: "batch: 1")
        assertThat(dma.pcp().batch()).isEqualTo(1);
        assertThat(dma.pcp().highMin()).isEqualTo(27);
    }

    @Test
    void an_order0_allocation_refills_a_batch_that_leaves_nr_free_pages() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(4 * GiB));
        PageAllocator a = pcpAllocator(mem);
        Zone dma32 = mem.node(0).zone(ZoneType.DMA32);
        long free0 = dma32.freePages();
        long pfn = a.allocPages(Gfp.GFP_KERNEL.bits(), 0, 0, null, 0);
        assertThat(mem.zoneOf(pfn)).isSameAs(dma32);
        assertThat(dma32.freePages()).isEqualTo(free0 - 63);
        assertThat(dma32.pcpPages()).isEqualTo(62);
        a.freePages(pfn, 0);
        assertThat(dma32.pcpPages()).as("the free goes to the per-cpu list").isEqualTo(63);
        assertThat(dma32.freePages()).isEqualTo(free0 - 63);
        assertThat(DebugVm.check(mem)).isEmpty();
        a.drainAllPages();
        assertThat(dma32.freePages()).isEqualTo(free0);
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void reaching_high_returns_a_batch_to_the_buddy_allocator() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(4 * GiB));
        PageAllocator a = pcpAllocator(mem);
        Zone dma32 = mem.node(0).zone(ZoneType.DMA32);
        List<Long> held = new ArrayList<>();
        for (int n = 0; n < 8000; n++) {
            held.add(a.allocPages(Gfp.GFP_KERNEL.bits(), 0, 0, null, 0));
        }
        for (long p : held) {
            a.freePages(p, 0);
            assertThat(dma32.pcpPages()).isLessThan(dma32.pcp().high());
        }
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void thp_sized_blocks_use_the_pcp_but_costly_orders_below_9_do_not() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(4 * GiB));
        PageAllocator a = pcpAllocator(mem);
        Zone dma32 = mem.node(0).zone(ZoneType.DMA32);
        long p4 = a.allocPages(Gfp.GFP_KERNEL.bits(), 4, 0, null, 0);
        assertThat(dma32.pcpPages()).isZero();
        long p9 = a.allocPages(Gfp.GFP_TRANSHUGE_LIGHT.bits(), 9, 0, null, 0);
        // batch >> 9 = 0 -> max(0, 2) = 2 blocks pulled, one handed out
        assertThat(dma32.pcpPages()).isEqualTo(512);
        a.freePages(p4, 4);
        a.freePages(p9, 9);
        assertThat(dma32.pcpPages()).isEqualTo(1024);
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void the_slow_path_drains_per_cpu_lists_only_after_reclaim_made_progress() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        PageAllocator a = pcpAllocator(mem);
        List<Long> held = new ArrayList<>();
        long p;
        while ((p = a.allocPages(Gfp.GFP_KERNEL.bits() | Gfp.Bits.NOWARN, 0, 0, null, 0)) >= 0) {
            held.add(p);
        }
        // free a few order-0 pages: they sit on the pcp list, invisible to an order-1 request
        for (int n = 0; n < 3; n++) {
            a.freePages(held.remove(held.size() - 1), 0);
        }
        long stalls = mem.vmstat(org.mmproto.core.stats.VmStat.ALLOCSTALL_NORMAL);
        long order1 = a.allocPages(Gfp.GFP_KERNEL.bits() | Gfp.Bits.NOWARN, 1, 0, null, 0);
        assertThat(mem.vmstat(org.mmproto.core.stats.VmStat.ALLOCSTALL_NORMAL)).isGreaterThan(stalls);
        Zone dma32 = mem.node(0).zone(ZoneType.DMA32);
        // __alloc_pages_direct_reclaim drains only when reclaim made progress; NoReclaim makes none
        assertThat(order1).isNegative();
        assertThat(dma32.pcp().head[Pcp.pindex(0, Buddy.UNMOVABLE)]).as("order-0 list kept").isNotNegative();
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void the_checker_catches_a_pcp_count_that_disagrees_with_the_lists() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        PageAllocator a = pcpAllocator(mem);
        a.allocPages(Gfp.GFP_KERNEL.bits(), 0, 0, null, 0);
        mem.node(0).zone(ZoneType.DMA32).pcp().count++;
        assertThat(DebugVm.check(mem)).extracting(DebugVm.Violation::kind).contains("counter");
    }
}
