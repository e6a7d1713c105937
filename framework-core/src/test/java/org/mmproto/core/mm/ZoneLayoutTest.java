package org.mmproto.core.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mmproto.core.testkit.TestMachines.GiB;
import static org.mmproto.core.testkit.TestMachines.MiB;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.mmproto.api.ZoneType;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.machine.NodeSpec;
import org.mmproto.core.machine.VmTunables;
import org.mmproto.core.testkit.TestMachines;

/** x86-64 zone boundaries and the ZONE_MOVABLE split. */
class ZoneLayoutTest {

    @Test
    void zones_are_cut_at_16MiB_and_4GiB_and_later_nodes_start_where_earlier_ones_end() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.of("two", TestMachines.slit(2),
                TestMachines.node(0, 6 * GiB, TestMachines.cpus(0)), TestMachines.node(1, 2 * GiB, TestMachines.cpus(1))));
        Node n0 = mem.node(0);
        assertThat(n0.zone(ZoneType.DMA).endPfn()).isEqualTo(4096);
        assertThat(n0.zone(ZoneType.DMA32).startPfn()).isEqualTo(4096);
        assertThat(n0.zone(ZoneType.DMA32).endPfn()).isEqualTo(1L << 20);
        assertThat(n0.zone(ZoneType.NORMAL).spannedPages()).isEqualTo((2 * GiB) >> 12);
        assertThat(mem.node(1).zone(ZoneType.NORMAL).startPfn()).isEqualTo((6 * GiB) >> 12);
        assertThat(mem.node(1).zone(ZoneType.DMA32).populated()).isFalse();
    }

    @Test
    void per_node_movable_takes_the_top_of_the_node() {
        NodeSpec n = new NodeSpec(0, 8 * GiB, List.of(0), false, 2 * GiB, OptionalLong.empty(), 0);
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.of("m", TestMachines.slit(1), n));
        assertThat(mem.node(0).zone(ZoneType.MOVABLE).spannedPages()).isEqualTo((2 * GiB) >> 12);
        assertThat(mem.node(0).zone(ZoneType.MOVABLE).endPfn()).isEqualTo((8 * GiB) >> 12);
        assertThat(mem.node(0).zone(ZoneType.NORMAL).spannedPages()).isEqualTo((2 * GiB) >> 12);
        assertThat(mem.node(0).inNNormalMemory()).isTrue();
    }

    @Test
    void movable_beyond_the_normal_range_is_a_clear_error() {
        NodeSpec n = new NodeSpec(0, 6 * GiB, List.of(0), false, 3 * GiB, OptionalLong.empty(), 7);
        assertThatThrownBy(() -> PhysicalMemory.boot(TestMachines.of("m", TestMachines.slit(1), n)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(":7:")
                .hasMessageContaining("ZONE_MOVABLE only takes from ZONE_NORMAL");
    }

    @Test
    void movablecore_spreads_kernelcore_evenly_and_rounds_to_max_order() {
        VmTunables vm = new VmTunables(-1, 10, VmTunables.DEFAULT_LOWMEM_RESERVE_RATIO, true, 8 * GiB);
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.of("mc", TestMachines.slit(2), vm,
                TestMachines.node(0, 8 * GiB, TestMachines.cpus(0)), TestMachines.node(1, 8 * GiB, TestMachines.cpus(1))));
        long movable = mem.node(0).zone(ZoneType.MOVABLE).spannedPages() + mem.node(1).zone(ZoneType.MOVABLE).spannedPages();
        // kernelcore 8 GiB: 4 GiB per node; node 0's first 4 GiB are DMA/DMA32 and count as kernel memory
        assertThat(mem.node(0).zone(ZoneType.NORMAL).populated()).isFalse();
        assertThat(mem.node(0).zone(ZoneType.MOVABLE).spannedPages()).isEqualTo((4 * GiB) >> 12);
        assertThat(mem.node(1).zone(ZoneType.NORMAL).spannedPages()).isEqualTo((4 * GiB) >> 12);
        assertThat(movable).isEqualTo((8 * GiB) >> 12);
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void a_node_onlined_movable_is_in_n_memory_but_not_n_normal_memory() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(64 * MiB, 1 * GiB, false));
        assertThat(mem.node(2).inNMemory()).isTrue();
        assertThat(mem.node(2).inNNormalMemory()).isFalse();
        assertThat(mem.node(2).zone(ZoneType.MOVABLE).spannedPages()).isEqualTo(262144);
    }
}
