package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Site;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.hooks.designs.ZonelistPrivate;
import org.mmproto.core.machine.NodeSpec;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.testkit.TestMachines;

/** Site.HOME_NODE (contract R4.15) and one ALLOC_CONTEXT decision per named private node (R4.14). */
class HomeNodeAndContextsTest {
    private static final int P = PrivateWorld.P;

    private static long bindRange(PrivateWorld w, int... nodes) {
        long a = w.k.mmOps().mmap(w.task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "h");
        assertThat(w.k.numa().mbind(w.task, a, 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(nodes)), 64, 0))
                .isZero();
        return a;
    }

    @Test
    void a_private_home_node_is_one_decision_per_call_and_v5_needs_user_numa() {
        // the driver opted into nothing: zonelist-private refuses with EINVAL, nothing changes
        PrivateWorld w = new PrivateWorld(RecordingDriver.with(), new ZonelistPrivate(), Duration.ZERO);
        long a = bindRange(w, 0, 1);
        assertThat(w.k.numa().setMempolicyHomeNode(w.task, a, 4096, P, 0)).isEqualTo(-Errno.EINVAL.code());
        assertThat(w.k.dispatcher().stats().consulted(Site.HOME_NODE)).isEqualTo(1);
        assertThat(w.k.dispatcher().stats().footprint()).contains(Site.HOME_NODE);
        assertThat(w.task.mm().find(a).policy().homeNode()).isEqualTo(MemPolicy.NUMA_NO_NODE);
        // a public home node concerns no private node: no decision
        assertThat(w.k.numa().setMempolicyHomeNode(w.task, a, 4096, 1, 0)).isZero();
        assertThat(w.k.dispatcher().stats().consulted(Site.HOME_NODE)).isEqualTo(1);
        // with USER_NUMA it is accepted and is no departure
        RecordingDriver capable = RecordingDriver.with();
        capable.caps = EnumSet.of(NodeCap.NODE_PRIVATE_CAP_USER_NUMA);
        PrivateWorld v = new PrivateWorld(capable, new ZonelistPrivate(), Duration.ZERO);
        long b = bindRange(v, 0, 1);
        assertThat(v.k.numa().setMempolicyHomeNode(v.task, b, 4096, P, 0)).isZero();
        assertThat(v.k.dispatcher().stats().sites().get(Site.HOME_NODE).departed()).isZero();
    }

    @Test
    void every_other_design_accepts_a_private_home_node_without_an_opt_in() {
        for (Design d : BuiltInDesigns.all()) {
            if (d instanceof ZonelistPrivate) {
                continue;
            }
            PrivateWorld w = new PrivateWorld(RecordingDriver.with(), d, Duration.ZERO);
            long a = bindRange(w, 0, 1);
            assertThat(w.k.numa().setMempolicyHomeNode(w.task, a, 4096, P, 0)).as(d.name()).isZero();
            assertThat(w.k.dispatcher().stats().consulted(Site.HOME_NODE)).as(d.name()).isEqualTo(1);
            assertThat(w.task.mm().find(a).policy().homeNode()).as(d.name()).isEqualTo(P);
        }
    }

    @Test
    void a_home_node_outside_a_private_mask_does_not_strand_the_fault() {
        // ops-struct: P is in no other node's fallback list; home node 0 is outside BIND {P}
        PrivateWorld w = new PrivateWorld(RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY),
                new OpsStruct(), Duration.ZERO);
        long a = bindRange(w, P);
        assertThat(w.k.numa().setMempolicyHomeNode(w.task, a, 4096, 0, 0)).isZero();
        assertThat(w.k.mmOps().touch(w.task, a, 4096, true)).isZero();
        assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).isEqualTo(P);
    }

    @Test
    void a_bind_naming_two_private_nodes_makes_two_context_decisions_per_fault() {
        long bytes = 64 * MiB;
        NodeSpec p2 = new NodeSpec(2, bytes, List.of(), true, 0, OptionalLong.of(TestMachines.CXL_BASE), 0);
        NodeSpec p3 = new NodeSpec(3, bytes, List.of(), true, 0, OptionalLong.of(TestMachines.CXL_BASE + bytes), 0);
        int[][] dist = {{10, 20, 30, 30}, {20, 10, 30, 30}, {30, 30, 10, 40}, {30, 30, 40, 10}};
        var spec = TestMachines.of("two-private", dist, TestMachines.node(0, bytes, List.of(0, 1)),
                TestMachines.node(1, bytes, List.of(2, 3)), p2, p3);
        RecordingDriver d2 = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
        RecordingDriver d3 = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
        Kernel k = Kernel.boot(spec, new OpsStruct(), List.of(
                new DriverSpec("d2", () -> d2, 2, Map.of(), "test", 1),
                new DriverSpec("d3", () -> d3, 3, Map.of(), "test", 1)), Duration.ZERO);
        k.setThp(TransparentHugepage.Mode.NEVER);
        Task t = k.spawn("t", 0, 0, 1000, Set.of());
        long a = k.mmOps().mmap(t, 0, 2 * 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "two");
        assertThat(k.numa().mbind(t, a, 2 * 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(2, 3)), 64, 0)).isZero();
        long before = k.dispatcher().stats().consulted(Site.ALLOC_CONTEXT);
        assertThat(k.mmOps().touch(t, a, 2 * 4096, true)).isZero();
        assertThat(k.dispatcher().stats().consulted(Site.ALLOC_CONTEXT) - before).as("2 faults x 2 private nodes")
                .isEqualTo(4);
        assertThat(k.memmap().nid(k.mmOps().folioAt(t, a))).isIn(2, 3);
        assertThat(k.dispatcher().ledger().breaches()).isEmpty();
        // a policy naming one private node asks for that node only
        long b = k.mmOps().mmap(t, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "one");
        assertThat(k.numa().mbind(t, b, 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(0, 3)), 64, 0)).isZero();
        before = k.dispatcher().stats().consulted(Site.ALLOC_CONTEXT);
        assertThat(k.mmOps().touch(t, b, 4096, true)).isZero();
        assertThat(k.dispatcher().stats().consulted(Site.ALLOC_CONTEXT) - before).isEqualTo(1);
    }
}
