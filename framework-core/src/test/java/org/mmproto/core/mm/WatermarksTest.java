package org.mmproto.core.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.GiB;

import org.junit.jupiter.api.Test;
import org.mmproto.api.ZoneType;
import org.mmproto.core.machine.VmTunables;
import org.mmproto.core.testkit.TestMachines;

/** init_per_zone_wmark_min, set_recommended_min_free_kbytes and setup_per_zone_lowmem_reserve. */
class WatermarksTest {

    @Test
    void min_free_kbytes_is_int_sqrt_of_16_times_lowmem_kbytes_without_thp() {
        VmTunables noThp = new VmTunables(-1, 10, VmTunables.DEFAULT_LOWMEM_RESERVE_RATIO, false, 0);
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.of("4g", TestMachines.slit(1), noThp,
                TestMachines.node(0, 4 * GiB, TestMachines.cpus(0))));
        // lowmem = 4 GiB = 4194304 kB; int_sqrt(4194304 * 16) = 8192
        assertThat(mem.minFreeKbytes()).isEqualTo(8192);
    }

    @Test
    void thp_raises_min_free_kbytes_to_eleven_pageblocks_per_lowmem_zone() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(4 * GiB));
        // zones <= NORMAL populated: DMA and DMA32 -> 512*2*2 + 512*2*9 = 11264 pages = 45056 kB
        assertThat(mem.minFreeKbytes()).isEqualTo(45056);
    }

    @Test
    void thp_raise_is_capped_at_five_percent_of_lowmem() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64L << 20));
        // 16384 pages / 20 = 819 pages = 3276 kB, above the computed int_sqrt(65536*16) = 1024
        assertThat(mem.minFreeKbytes()).isEqualTo(3276);
    }

    @Test
    void zone_watermarks_split_min_by_managed_share_and_add_quarter_or_scale_factor_deltas() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(4 * GiB));
        Zone dma = mem.node(0).zone(ZoneType.DMA);
        Zone dma32 = mem.node(0).zone(ZoneType.DMA32);
        // pages_min = 45056/4 = 11264; DMA share = 11264*4096/1048576 = 44; delta = max(44/4, 4096*10/10000) = 11
        assertThat(dma.watermark(Zone.WMARK_MIN)).isEqualTo(44);
        assertThat(dma.watermark(Zone.WMARK_LOW)).isEqualTo(55);
        assertThat(dma.watermark(Zone.WMARK_HIGH)).isEqualTo(66);
        assertThat(dma.watermark(Zone.WMARK_PROMO)).isEqualTo(77);
        // DMA32 managed 1044480: share 11220, delta max(2805, 1044) = 2805
        assertThat(dma32.watermark(Zone.WMARK_MIN)).isEqualTo(11220);
        assertThat(dma32.watermark(Zone.WMARK_LOW)).isEqualTo(14025);
        assertThat(dma32.watermark(Zone.WMARK_HIGH)).isEqualTo(16830);
    }

    @Test
    void watermark_scale_factor_widens_the_gaps_on_large_zones() {
        VmTunables wsf = new VmTunables(-1, 200, VmTunables.DEFAULT_LOWMEM_RESERVE_RATIO, true, 0);
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.of("wsf", TestMachines.slit(1), wsf,
                TestMachines.node(0, 4 * GiB, TestMachines.cpus(0))));
        Zone dma32 = mem.node(0).zone(ZoneType.DMA32);
        // delta = max(11220/4, 1044480*200/10000 = 20889) = 20889
        assertThat(dma32.watermark(Zone.WMARK_LOW) - dma32.watermark(Zone.WMARK_MIN)).isEqualTo(20889);
    }

    @Test
    void movable_zone_min_is_managed_over_1024_clamped_to_32_128() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(GiB, GiB, false));
        Zone movable = mem.node(2).zone(ZoneType.MOVABLE);
        assertThat(movable.managedPages()).isEqualTo(262144);
        assertThat(movable.watermark(Zone.WMARK_MIN)).isEqualTo(128);
    }

    @Test
    void lowmem_reserve_is_upper_zones_managed_over_the_ratio() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(8 * GiB));
        Zone dma = mem.node(0).zone(ZoneType.DMA);
        Zone dma32 = mem.node(0).zone(ZoneType.DMA32);
        long dma32Pages = dma32.managedPages();
        long normalPages = mem.node(0).zone(ZoneType.NORMAL).managedPages();
        assertThat(dma.lowmemReserve(ZoneType.DMA32.ordinal())).isEqualTo(dma32Pages / 256);
        assertThat(dma.lowmemReserve(ZoneType.NORMAL.ordinal())).isEqualTo((dma32Pages + normalPages) / 256);
        assertThat(dma32.lowmemReserve(ZoneType.NORMAL.ordinal())).isEqualTo(normalPages / 256);
        assertThat(dma32.lowmemReserve(ZoneType.DMA32.ordinal())).isZero();
    }

    @Test
    void user_min_free_kbytes_below_the_thp_recommendation_is_raised() {
        VmTunables user = new VmTunables(1024, 10, VmTunables.DEFAULT_LOWMEM_RESERVE_RATIO, true, 0);
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.of("u", TestMachines.slit(1), user,
                TestMachines.node(0, 4 * GiB, TestMachines.cpus(0))));
        assertThat(mem.minFreeKbytes()).isEqualTo(45056);
    }

    @Test
    void two_one_GiB_nodes_get_the_min_free_kbytes_a_real_6_12_kernel_computes() {
        // checked on realkernel 6.12 (run.sh with "node 0 cpus 1 mem 1024 / node 1 cpus 1 mem 1024"):
        // /proc/sys/vm/min_free_kbytes = 67584, the THP raise over 3 lowmem zones (DMA, DMA32, DMA32);
        // /proc/zoneinfo shows DMA min/low/high 128/160/192 for its 3840 managed pages there
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.of("2x1g", TestMachines.slit(2),
                TestMachines.node(0, GiB, TestMachines.cpus(0)), TestMachines.node(1, GiB, TestMachines.cpus(1))));
        assertThat(mem.minFreeKbytes()).isEqualTo(67584);
        Zone dma = mem.node(0).zone(ZoneType.DMA);
        long lowmem = 0;
        for (Zone z : mem.zones()) {
            lowmem += z.type() == ZoneType.MOVABLE ? 0 : z.managedPages();
        }
        long min = 16896L * dma.managedPages() / lowmem;
        assertThat(dma.watermark(Zone.WMARK_MIN)).isEqualTo(min);
        assertThat(dma.watermark(Zone.WMARK_LOW)).isEqualTo(min + Math.max(min / 4, dma.managedPages() * 10 / 10000));
    }
}
