package org.mmproto.core.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.GiB;
import static org.mmproto.core.testkit.TestMachines.MiB;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.ZoneType;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.testkit.TestMachines;

/** build_zonelists / find_next_best_node. */
class ZonelistTest {
    /** RFC v4 patch 4: the private node in no other list, first in its own. */
    private static final PrivateNodeLayout V4 = PrivateNodeLayout.of(new org.mmproto.core.hooks.designs.OpsStruct());


    @Test
    void nodes_are_ordered_nearest_first_and_cxl_node_lists_itself_first() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(GiB, GiB, false));
        assertThat(mem.node(0).fallbackOrder()).containsExactly(0, 1, 2);
        assertThat(mem.node(1).fallbackOrder()).containsExactly(1, 0, 2);
        assertThat(mem.node(2).fallbackOrder()).containsExactly(2, 0, 1);
    }

    @Test
    void equidistant_nodes_round_robin_through_node_load() {
        // four nodes, all 20 apart: node_load spreads the second choice (the kernel's boot log shows
        // "Fallback order for Node 0: 0 1 2 3", "Node 1: 1 2 3 0", ...)
        MachineSpec spec = TestMachines.of("quad", TestMachines.slit(4),
                TestMachines.node(0, 64 * MiB, TestMachines.cpus(0)), TestMachines.node(1, 64 * MiB, TestMachines.cpus(1)),
                TestMachines.node(2, 64 * MiB, TestMachines.cpus(2)), TestMachines.node(3, 64 * MiB, TestMachines.cpus(3)));
        PhysicalMemory mem = PhysicalMemory.boot(spec);
        assertThat(mem.node(0).fallbackOrder()).containsExactly(0, 1, 2, 3);
        assertThat(mem.node(1).fallbackOrder()).containsExactly(1, 2, 3, 0);
        assertThat(mem.node(2).fallbackOrder()).containsExactly(2, 3, 0, 1);
        assertThat(mem.node(3).fallbackOrder()).containsExactly(3, 0, 1, 2);
    }

    @Test
    void cpu_less_node_is_preferred_over_an_equidistant_node_with_cpus() {
        int[][] d = {{10, 20, 20}, {20, 10, 20}, {20, 20, 10}};
        MachineSpec spec = TestMachines.of("headless", d,
                TestMachines.node(0, 64 * MiB, TestMachines.cpus(0)), TestMachines.node(1, 64 * MiB, TestMachines.cpus(1)),
                TestMachines.node(2, 64 * MiB, List.of()));
        PhysicalMemory mem = PhysicalMemory.boot(spec);
        assertThat(mem.node(0).fallbackOrder()).containsExactly(0, 2, 1);
    }

    @Test
    void zones_within_a_node_are_listed_highest_first() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.single(8 * GiB));
        assertThat(mem.node(0).zonelistFallback()).extracting(Zone::type)
                .containsExactly(ZoneType.NORMAL, ZoneType.DMA32, ZoneType.DMA);
    }

    @Test
    void private_node_is_in_no_other_nodes_list_and_its_own_list_falls_back_to_dram() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(GiB, GiB, true), V4);
        assertThat(mem.node(0).fallbackOrder()).containsExactly(0, 1);
        assertThat(mem.node(1).fallbackOrder()).containsExactly(1, 0);
        assertThat(mem.node(2).fallbackOrder()).containsExactly(2, 0, 1);
        assertThat(mem.node(2).zonelistNoFallback()).extracting(Zone::nid).containsOnly(2);
        assertThat(mem.node(2).inNMemory()).isFalse();
        assertThat(mem.node(2).inNMemoryPrivate()).isTrue();
    }

    @Test
    void unpatched_kernel_treats_the_marked_node_as_ordinary_memory_in_every_list() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(GiB, GiB, true));
        assertThat(mem.node(0).fallbackOrder()).containsExactly(0, 1, 2);
        assertThat(mem.node(1).fallbackOrder()).containsExactly(1, 0, 2);
        assertThat(mem.node(2).fallbackOrder()).containsExactly(2, 0, 1);
        assertThat(mem.node(2).inNMemory()).isTrue();
        assertThat(mem.node(2).inNMemoryPrivate()).isFalse();
    }

    @Test
    void fallback_only_keeps_the_node_in_its_nofallback_list_alone() {
        PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(GiB, GiB, true),
                PrivateNodeLayout.of(new org.mmproto.core.hooks.designs.FallbackOnly()));
        assertThat(mem.node(0).fallbackOrder()).containsExactly(0, 1);
        assertThat(mem.node(2).fallbackOrder()).containsExactly(0, 1);
        assertThat(mem.node(2).zonelistNoFallback()).extracting(Zone::nid).containsOnly(2);
        assertThat(mem.node(2).inNMemory()).isTrue();
    }

    @Test
    void zonelist_private_puts_the_node_only_in_ZONELIST_PRIVATE_and_never_behind_another_private_node() {
        int[][] d = {{10, 20, 30, 30}, {20, 10, 30, 30}, {30, 30, 10, 40}, {30, 30, 40, 10}};
        MachineSpec spec = TestMachines.of("two-private", d,
                new org.mmproto.core.machine.NodeSpec(0, GiB, java.util.List.of(0), false, 0, java.util.OptionalLong.empty(), 0),
                new org.mmproto.core.machine.NodeSpec(1, GiB, java.util.List.of(1), false, 0, java.util.OptionalLong.empty(), 0),
                new org.mmproto.core.machine.NodeSpec(2, GiB, java.util.List.of(), true, 0, java.util.OptionalLong.empty(), 0),
                new org.mmproto.core.machine.NodeSpec(3, GiB, java.util.List.of(), true, 0, java.util.OptionalLong.empty(), 0));
        PhysicalMemory mem = PhysicalMemory.boot(spec, PrivateNodeLayout.of(new org.mmproto.core.hooks.designs.ZonelistPrivate()));
        assertThat(mem.node(2).fallbackOrder()).containsExactly(0, 1);
        assertThat(mem.node(2).zonelistNoFallback()).isEmpty();
        assertThat(mem.node(0).zonelistPrivate()).extracting(Zone::nid).contains(0, 1, 2, 3);
        assertThat(mem.node(2).zonelistPrivate()).extracting(Zone::nid).containsOnly(2, 0, 1);
        assertThat(mem.node(2).zonelistPrivate().get(0).nid()).isEqualTo(2);
        assertThat(mem.node(3).zonelistPrivate()).extracting(Zone::nid).doesNotContain(2);
        assertThat(mem.node(2).inNMemoryPrivate()).isTrue();
        // v4 too: a private node's own list falls back to public nodes only (A, B public; C, D private)
        PhysicalMemory v4 = PhysicalMemory.boot(spec, V4);
        assertThat(v4.node(2).fallbackOrder()).startsWith(2).containsExactlyInAnyOrder(2, 0, 1);
        assertThat(v4.node(3).fallbackOrder()).startsWith(3).containsExactlyInAnyOrder(3, 0, 1);
        assertThat(v4.node(0).fallbackOrder()).containsExactly(0, 1);
    }

    @Test
    void memoryless_node_has_no_zones_of_its_own_and_falls_back_by_distance() {
        int[][] d = {{10, 20, 30}, {20, 10, 30}, {30, 30, 10}};
        MachineSpec spec = TestMachines.of("memless", d,
                TestMachines.node(0, 64 * MiB, TestMachines.cpus(0)), TestMachines.node(1, 0, TestMachines.cpus(1)),
                TestMachines.node(2, 64 * MiB, List.of()));
        PhysicalMemory mem = PhysicalMemory.boot(spec);
        assertThat(mem.node(1).inNMemory()).isFalse();
        assertThat(mem.node(1).fallbackOrder()).containsExactly(0, 2);
        assertThat(mem.node(1).zonelistNoFallback()).isEmpty();
    }

    @Test
    void asymmetric_distances_are_read_from_the_local_nodes_row() {
        int[][] d = {{10, 28, 20}, {28, 10, 20}, {30, 20, 10}};
        MachineSpec spec = TestMachines.of("asym", d,
                TestMachines.node(0, 64 * MiB, TestMachines.cpus(0)), TestMachines.node(1, 64 * MiB, TestMachines.cpus(1)),
                TestMachines.node(2, 64 * MiB, TestMachines.cpus(2)));
        PhysicalMemory mem = PhysicalMemory.boot(spec);
        assertThat(mem.node(0).fallbackOrder()).containsExactly(0, 2, 1);
        assertThat(mem.node(2).fallbackOrder()).containsExactly(2, 1, 0);
    }
}
