package org.mmproto.core.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

import org.junit.jupiter.api.Test;
import org.mmproto.core.testkit.TestMachines;

/** The kernel's own text formats, byte for byte. */
class ProcFsTest {

    @Test
    void buddyinfo_prints_node_zone_and_six_wide_counts_with_trailing_space() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        assertThat(ProcFs.buddyinfo(mem)).isEqualTo(
                "Node 0, zone      DMA      0      0      0      0      0      0      0      0      0      0      4 \n"
                + "Node 0, zone    DMA32      0      0      0      0      0      0      0      0      0      0     12 \n");
    }

    @Test
    void pagetypeinfo_has_the_kernel_headers_and_block_counts() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        String text = ProcFs.pagetypeinfo(mem);
        assertThat(text).startsWith("Page block order: 9\nPages per block:  512\n\n"
                + "Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n");
        assertThat(text).contains("Node    0, zone    DMA32, type      Movable      0      0      0      0      0      0      0      0      0      0     12 \n");
        assertThat(text).contains("\nNumber of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n");
        assertThat(text).contains("Node 0, zone    DMA32            0           24            0            0            0 \n");
    }

    @Test
    void numactl_hardware_matches_numactl_2_0_16_layout() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, false));
        assertThat(ProcFs.numactlHardware(mem)).isEqualTo(
                "available: 3 nodes (0-2)\n"
                + "node 0 cpus: 0 1\nnode 0 size: 64 MB\nnode 0 free: 64 MB\n"
                + "node 1 cpus: 2 3\nnode 1 size: 64 MB\nnode 1 free: 64 MB\n"
                + "node 2 cpus:\nnode 2 size: 64 MB\nnode 2 free: 64 MB\n"
                + "node distances:\n"
                + "node   0   1   2 \n"
                + "  0:  10  20  30 \n"
                + "  1:  20  10  30 \n"
                + "  2:  30  30  10 \n");
    }

    @Test
    void node_meminfo_aligns_values_in_kB() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        assertThat(ProcFs.nodeMeminfo(mem, 0)).isEqualTo(
                "Node 0 MemTotal:          65536 kB\n"
                + "Node 0 MemFree:           65536 kB\n"
                + "Node 0 MemUsed:               0 kB\n"
                + "Node 0 PageTables:            0 kB\n"
                + "Node 0 AnonHugePages:         0 kB\n"); // 6.12 prints it after the slab lines, in this width
    }
}
