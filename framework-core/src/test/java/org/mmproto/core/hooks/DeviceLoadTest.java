package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.DeviceLoad;
import org.mmproto.api.driver.DeviceStore;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Site;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.task.MmOps;

/**
 * R4.17: every CPU load from a page of a private node reaches its driver's deviceLoad, under
 * every design, in order with its stores; loads from other nodes and from the zero page do not;
 * a driver that does not listen is never called.
 */
class DeviceLoadTest {
    private static final int P = PrivateWorld.P;

    /** Records what its device saw, in order. */
    static final class Watcher extends RecordingDriver {
        final List<String> seen = new ArrayList<>();
        final List<DeviceLoad> loads = new ArrayList<>();

        Watcher() {
            super(java.util.EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY));
            caps = java.util.EnumSet.of(NodeCap.NODE_PRIVATE_CAP_USER_NUMA);
        }

        @Override
        public void deviceStore(DeviceStore s) {
            seen.add("store " + s.kind() + " " + s.pfn() + "+" + s.pages());
        }

        @Override
        public void deviceLoad(DeviceLoad l) {
            loads.add(l);
            seen.add("load " + l.pfn() + "+" + l.pages());
        }
    }

    static Stream<Design> designs() {
        return BuiltInDesigns.all().stream();
    }

    @ParameterizedTest
    @MethodSource("designs")
    void a_read_of_a_page_of_the_node_reaches_the_device_under_every_design(Design design) {
        Watcher w = new Watcher();
        PrivateWorld world = new PrivateWorld(w, design, Duration.ZERO);
        world.k.dispatcher().taskScope(true); // memalloc-scope places a page only inside a scope
        long a = world.userPageOnPrivateNode();
        world.k.dispatcher().taskScope(false);
        long pfn = world.k.mmOps().folioAt(world.task, a);
        w.seen.clear();

        assertThat(world.k.mmOps().touch(world.task, a, 4096, false)).isZero();
        assertThat(world.k.mmOps().touch(world.task, a, 4096, false)).isZero();

        assertThat(w.seen).containsExactly("load " + pfn + "+1", "load " + pfn + "+1");
        assertThat(w.loads.get(0).task()).isEqualTo(world.task.ref());
        assertThat(w.loads.get(0).folio().nid()).isEqualTo(P);
        assertThat(world.k.dispatcher().stats().hookCalls(Site.DEVICE_MEMORY, Hook.DEVICE_LOAD)).isEqualTo(2);
    }

    @Test
    void loads_and_stores_arrive_in_order_and_other_nodes_are_not_reported() {
        Watcher w = new Watcher();
        PrivateWorld world = new PrivateWorld(w, new OpsStruct(), Duration.ZERO);
        long a = world.userPageOnPrivateNode();
        long pfn = world.k.mmOps().folioAt(world.task, a);
        long dram = world.k.mmOps().mmap(world.task, 0, 8192, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "dram");
        world.k.mmOps().touch(world.task, dram, 4096, true);
        w.seen.clear();

        world.k.mmOps().touch(world.task, a, 4096, false);
        world.k.mmOps().touch(world.task, a, 4096, true, DeviceStore.Content.TEXT); // no write protection asked
        world.k.mmOps().touch(world.task, a, 4096, false, DeviceStore.Content.UNSPECIFIED); // inside a batch
        world.k.mmOps().touch(world.task, dram, 8192, false); // a DRAM page and the zero page

        assertThat(w.seen).containsExactly("load " + pfn + "+1", "store CPU_WRITE " + pfn + "+1", "load " + pfn + "+1");
    }

    @Test
    void a_driver_that_does_not_listen_is_never_told() {
        RecordingDriver d = new RecordingDriver(java.util.EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY));
        PrivateWorld world = new PrivateWorld(d, new OpsStruct(), Duration.ZERO);
        long a = world.userPageOnPrivateNode();
        assertThat(world.k.dispatcher().observesLoads()).isFalse();
        world.k.mmOps().touch(world.task, a, 4096, false);
        assertThat(world.k.dispatcher().stats().hookCalls(Site.DEVICE_MEMORY, Hook.DEVICE_LOAD)).isZero();
    }
}
