package org.mmproto.core.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.HotplugState;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.machine.MachineYamlParser;

/** online: none, then online_pages / offline_pages of the whole node. */
class MemoryOnlineTest {
    private static final String MACHINE = """
            nodes:
              - {nid: 0, size: 1GiB, cpus: 0-1}
              - {nid: 1, size: 256MiB, start: 0x100000000, online: none}
            """;
    private static final long NODE1_PAGES = 256L << 20 >> 12;

    private final MachineSpec spec = MachineYamlParser.parse(MACHINE, "hp.yaml");
    private final PhysicalMemory mem = PhysicalMemory.boot(spec);
    private final PageAllocator alloc = new PageAllocator(mem, (nid, gfp, order, pref, call) -> true, new NoReclaim(2)).enablePcp();
    private final MemoryOnline online = new MemoryOnline(mem, alloc, PrivateNodeLayout.MAINLINE);

    @Test
    void an_unplugged_node_is_present_in_no_zone_no_zonelist_and_not_in_n_memory() {
        assertThat(online.hotpluggable(1)).isTrue();
        assertThat(online.state(1)).isEqualTo(HotplugState.UNPLUGGED);
        assertThat(mem.node(1).presentPages()).isZero();
        assertThat(mem.node(1).inNMemory()).isFalse();
        assertThat(mem.node(1).online()).as("N_ONLINE: the memory was added").isTrue();
        assertThat(mem.node(0).fallbackOrder()).containsExactly(0);
        assertThat(mem.zoneOf(0x100000L)).isNull();
        assertThat(alloc.allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0, 1, NodeMask.of(1), 0)).isNegative();
    }

    @Test
    void online_movable_frees_the_range_into_zone_movable_and_rebuilds_the_zonelists() {
        assertThat(online.set(1, HotplugState.ONLINE_MOVABLE)).isZero();
        Node n = mem.node(1);
        assertThat(n.zone(ZoneType.MOVABLE).presentPages()).isEqualTo(NODE1_PAGES);
        assertThat(n.zone(ZoneType.NORMAL).populated()).isFalse();
        assertThat(n.freePages()).isEqualTo(NODE1_PAGES);
        assertThat(n.inNMemory()).isTrue();
        assertThat(n.inNNormalMemory()).as("ZONE_MOVABLE only").isFalse();
        assertThat(mem.node(0).fallbackOrder()).containsExactly(0, 1);
        assertThat(n.zone(ZoneType.MOVABLE).watermark(Zone.WMARK_MIN)).isPositive();
        long pfn = alloc.allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0, 1, NodeMask.of(1), 0);
        assertThat(mem.zoneOf(pfn)).isSameAs(n.zone(ZoneType.MOVABLE));
    }

    @Test
    void a_zone_change_needs_an_unplug_and_an_unplug_needs_every_page_free() {
        online.set(1, HotplugState.ONLINE_MOVABLE);
        assertThat(online.set(1, HotplugState.ONLINE_KERNEL)).isEqualTo(-16);
        long pfn = alloc.allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0, 1, NodeMask.of(1), 0);
        assertThat(online.set(1, HotplugState.UNPLUGGED)).isEqualTo(-16);
        assertThat(online.state(1)).isEqualTo(HotplugState.ONLINE_MOVABLE);
        alloc.freePages(pfn, 0);
        assertThat(online.set(1, HotplugState.UNPLUGGED)).as("the per-CPU list is drained first").isZero();
        assertThat(mem.node(1).presentPages()).isZero();
        assertThat(mem.node(0).fallbackOrder()).containsExactly(0);
        assertThat(online.set(1, HotplugState.ONLINE_KERNEL)).isZero();
        Node n = mem.node(1);
        assertThat(n.zone(ZoneType.NORMAL).presentPages()).isEqualTo(NODE1_PAGES);
        assertThat(n.inNNormalMemory()).isTrue();
        assertThat(n.freePages()).isEqualTo(NODE1_PAGES);
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void a_node_onlined_at_boot_is_not_hotpluggable() {
        assertThat(online.set(0, HotplugState.UNPLUGGED)).isEqualTo(-22);
        assertThat(online.state(0)).isEqualTo(HotplugState.ONLINE_KERNEL);
    }

    @Test
    void online_none_without_memory_or_with_movable_is_a_machine_error() {
        assertThatThrownBy(() -> MachineYamlParser.parse("nodes:\n  - {nid: 0, size: 1GiB, cpus: 0}\n"
                + "  - {nid: 1, cpus: 1, online: none}\n", "bad.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("online: none needs memory");
        assertThatThrownBy(() -> MachineYamlParser.parse("nodes:\n  - {nid: 0, size: 1GiB, cpus: 0}\n"
                + "  - {nid: 1, size: 1GiB, movable: 512MiB, online: none}\n", "bad.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("movable: conflicts with online: none");
    }
}
