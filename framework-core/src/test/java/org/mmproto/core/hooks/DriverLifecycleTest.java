package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.testkit.TestMachines;

/** CONTRACT R1: drivers bind after boot, with a context that works, under the run's budget. */
class DriverLifecycleTest {
    private static final int P = PrivateWorld.P;

    /** Reads its node in bind, allocates device buffers there, reports pressure, capacity and a promotion. */
    static final class AcceleratorDriver extends RecordingDriver {
        final List<Object> seenAtBind = new ArrayList<>();
        long buffer;

        AcceleratorDriver() {
            super(Set.of(NpOps.NP_OPS_MIGRATION));
        }

        @Override
        public NodeOptIns bind(NodeBinding binding, DriverContext ctx) {
            seenAtBind.addAll(List.of(ctx.nid(), ctx.zone(), ctx.managedPages(), ctx.freePages(), ctx.usedPages()));
            buffer = ctx.allocOwn(3);
            ctx.reportPressure(1500);
            ctx.reportCapacity(1234);
            ctx.requestPromotion(buffer);
            return super.bind(binding, ctx);
        }

        /** A device-side buffer allocated and freed inside a callback. */
        @Override
        public MigrateTo migrateTo(Requests.MigrationRequest request) {
            long pfn = context.allocOwn(0);
            calls.add("own " + (pfn >= 0));
            context.freeOwn(pfn);
            return super.migrateTo(request);
        }
    }

    @Test
    void bind_gets_a_working_context_and_own_allocations_are_accounted_exactly() {
        AcceleratorDriver drv = new AcceleratorDriver();
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ofSeconds(5), true);
        var node = w.k.mem().node(P);
        assertThat(drv.seenAtBind).containsExactly(P, ZoneType.MOVABLE, node.managedPages(), node.managedPages(), 0L);
        assertThat(drv.buffer).isNotNegative();
        assertThat(w.k.memmap().nid(drv.buffer)).isEqualTo(P);

        KernelDriverContext ctx = w.k.driverContext(P).orElseThrow();
        assertThat(ctx.ownedPagesRecorded()).isEqualTo(8);
        assertThat(ctx.usedPages()).isEqualTo(8);
        assertThat(ctx.freePages() + ctx.usedPages() + node.zones().stream().mapToLong(z -> z.pcpPages()).sum())
                .isEqualTo(node.managedPages());
        assertThat(ctx.reportedPressure()).as("clamped to CRAM_PRESSURE_MAX").isEqualTo(1000);
        assertThat(ctx.reportedCapacity()).isEqualTo(1234);
        assertThat(ctx.promotionRing().requested()).isEqualTo(1);
        assertThat(ctx.promotionRing().queued()).as("queued until a tick").isEqualTo(1);
        assertThat(w.k.memmap().nid(drv.buffer)).isEqualTo(P);
        assertThat(DebugVm.check(w.k.mem())).isEmpty();

        long before = w.userFolioPages();
        w.userPageOnPrivateNode();
        assertThat(drv.calls).contains("own true").doesNotContain("free_folio FREE_PAGES");
        assertThat(w.userFolioPages()).as("only the migrated page stays").isEqualTo(before + 1);
        assertThat(w.k.dispatcher().ledger().breaches()).as("the owner's own pages are no leak").isEmpty();
        assertThat(w.k.dispatcher().containment().incidents()).isEmpty();

        drv.context.freeOwn(drv.buffer);
        assertThat(ctx.ownedPagesRecorded()).isZero();
        assertThatThrownBy(() -> drv.context.freeOwn(drv.buffer)).isInstanceOf(IllegalArgumentException.class);
        assertThat(drv.context.allocOwn(11)).isEqualTo(-Errno.EINVAL.code());
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
    }

    @Test
    void the_context_refuses_another_thread_outside_a_call() throws InterruptedException {
        RecordingDriver drv = RecordingDriver.with();
        new PrivateWorld(drv, new OpsStruct(), Duration.ofSeconds(5));
        String[] seen = new String[1];
        Thread other = new Thread(() -> {
            try {
                drv.context.freePages();
                seen[0] = "allowed";
            } catch (IllegalStateException e) {
                seen[0] = e.getMessage();
            }
        }, "rogue");
        other.start();
        other.join();
        assertThat(seen[0]).contains("thread rogue outside a call");
    }

    private static Kernel bootWith(PrivateNodeDriver d, Duration budget) {
        return Kernel.boot(TestMachines.dramDramCxl(64L << 20, 64L << 20, true), new OpsStruct(),
                List.of(new DriverSpec("hung (hung.jar)", () -> d, P, Map.of(), "s.yaml", 7)), budget);
    }

    @Test
    void a_bind_that_hangs_throws_or_returns_null_is_an_error_naming_the_plugin_node_and_line() {
        PrivateNodeDriver spins = (binding, ctx) -> {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.onSpinWait();
            }
            return new NodeOptIns(Set.of());
        };
        assertThatThrownBy(() -> bootWith(spins, Duration.ofMillis(200))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("s.yaml:7").hasMessageContaining("hung (hung.jar)")
                .hasMessageContaining("failed to bind node 2").hasMessageContaining("no answer within the 200 ms budget");
        PrivateNodeDriver throwsAtBind = (binding, ctx) -> {
            throw new IllegalStateException("no device");
        };
        assertThatThrownBy(() -> bootWith(throwsAtBind, Duration.ofMillis(500))).hasMessageContaining("s.yaml:7")
                .hasMessageContaining("no device");
        assertThatThrownBy(() -> bootWith((binding, ctx) -> null, Duration.ZERO)).hasMessageContaining("bind() returned null");
        assertThatThrownBy(() -> Kernel.boot(TestMachines.dramDramCxl(64L << 20, 64L << 20, true), new OpsStruct(),
                List.of(new DriverSpec("f", () -> null, P, Map.of(), "s.yaml", 8)), Duration.ZERO))
                .hasMessageContaining("the factory returned null");
    }
}
