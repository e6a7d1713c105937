package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.mmproto.api.driver.DelayedWork;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Site;
import org.mmproto.core.hooks.designs.OpsStruct;

/**
 * R1.10: a driver's delayed work runs on the engine's clock, at its due time, through the
 * containment of every call; a throwing work is contained, a hanging one quarantines the driver
 * and its pending works are cancelled.
 */
class DeviceWorkTest {
    private static final int P = PrivateWorld.P;

    /** Queues "flush" (once) and "decay" (periodic) at bind; records every run. */
    static final class Worker extends RecordingDriver {
        final List<String> runs = new ArrayList<>();
        long flushMs = 300;
        long decayMs = 250;
        boolean throwInFlush;
        CountDownLatch hang;

        Worker() {
            super(EnumSet.noneOf(NpOps.class));
        }

        @Override
        public NodeOptIns bind(NodeBinding binding, DriverContext ctx) {
            NodeOptIns o = super.bind(binding, ctx);
            assertThat(ctx.scheduleDelayedWork("flush", flushMs)).isTrue();
            assertThat(ctx.scheduleDelayedWork("flush", 1)).as("already pending: timer unchanged").isFalse();
            assertThat(ctx.scheduleDelayedWork("decay", decayMs)).isTrue();
            return o;
        }

        @Override
        public void delayedWork(DelayedWork w) {
            runs.add(w.name() + "@" + w.dueMs());
            if (w.name().equals("decay")) {
                context.scheduleDelayedWork("decay", decayMs);
            }
            if (w.name().equals("flush") && throwInFlush) {
                throw new IllegalStateException("flush failed");
            }
            if (w.name().equals("flush") && hang != null) {
                try {
                    hang.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Test
    void works_run_at_their_due_time_in_order_and_periodic_work_runs_every_period() {
        Worker drv = new Worker();
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        DeviceWork work = w.k.dispatcher().deviceWork();

        assertThat(work.tick(200)).isZero();
        assertThat(drv.runs).isEmpty();
        assertThat(work.tick(800)).isEqualTo(5);
        assertThat(drv.runs).containsExactly("decay@250", "flush@300", "decay@500", "decay@750", "decay@1000");
        assertThat(work.nowMs()).isEqualTo(1000);
        assertThat(work.counts(P)).isEqualTo(new DeviceWork.Counts(6, 5, 0, 1));
        assertThat(work.dueMs(P, "decay")).isEqualTo(1250);
        assertThat(w.k.dispatcher().stats().hookCalls(Site.DEVICE_WORK, Hook.DELAYED_WORK)).isEqualTo(5);
    }

    @Test
    void a_cancelled_work_does_not_run_and_a_periodic_work_is_capped_per_tick() {
        Worker drv = new Worker();
        drv.decayMs = 1;
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        DeviceWork work = w.k.dispatcher().deviceWork();
        assertThat(drv.context.cancelDelayedWork("flush")).isTrue();
        assertThat(drv.context.cancelDelayedWork("flush")).isFalse();

        work.tick(5000);
        assertThat(drv.runs).hasSize(DeviceWork.MAX_RUNS_PER_TICK).allMatch(r -> r.startsWith("decay@"));
        assertThat(work.counts(P).cancelled()).isEqualTo(1);
    }

    @Test
    void when_the_binding_ends_its_pending_works_are_cancelled_and_never_run() {
        Worker drv = new Worker();
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        DeviceWork work = w.k.dispatcher().deviceWork();
        work.cancelAll();
        assertThat(work.counts(P)).isEqualTo(new DeviceWork.Counts(2, 0, 2, 0));
        work.tick(10_000);
        assertThat(drv.runs).isEmpty();
    }

    @Test
    void bad_names_and_delays_are_refused() {
        Worker drv = new Worker();
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        assertThatThrownBy(() -> drv.context.scheduleDelayedWork("Flush", 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> drv.context.scheduleDelayedWork("x", 0)).hasMessageContaining("expected 1..");
        for (int i = 2; i < DriverContext.MAX_DELAYED_WORK; i++) {
            drv.context.scheduleDelayedWork("w" + i, 10);
        }
        assertThatThrownBy(() -> drv.context.scheduleDelayedWork("one_more", 10)).isInstanceOf(IllegalStateException.class);
        assertThat(w.k.dispatcher().deviceWork().counts(P).pending()).isEqualTo(DriverContext.MAX_DELAYED_WORK);
    }

    @Test
    void a_throwing_work_is_contained_and_reported_and_the_driver_keeps_running() {
        Worker drv = new Worker();
        drv.throwInFlush = true;
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ofSeconds(5));
        w.k.dispatcher().deviceWork().tick(1000);

        assertThat(w.k.dispatcher().containment().incidents()).singleElement().satisfies(i -> {
            assertThat(i.site()).isEqualTo(Site.DEVICE_WORK);
            assertThat(i.hook()).isEqualTo(Hook.DELAYED_WORK);
            assertThat(i.kind()).isEqualTo("threw");
            assertThat(i.detail()).contains("flush failed");
        });
        assertThat(drv.runs).contains("flush@300", "decay@1000");
        assertThat(w.k.dispatcher().stats().hooksAt(Site.DEVICE_WORK).get(Hook.DELAYED_WORK).contained()).isEqualTo(1);
    }

    @Test
    void a_hanging_work_quarantines_the_driver_and_its_pending_works_are_cancelled() {
        Worker drv = new Worker();
        drv.hang = new CountDownLatch(1);
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ofMillis(100));
        DeviceWork work = w.k.dispatcher().deviceWork();
        try {
            work.tick(1000);
        } finally {
            drv.hang.countDown();
        }
        assertThat(w.k.dispatcher().containment().quarantined("test-driver", P)).isTrue();
        assertThat(w.k.dispatcher().containment().incidents()).extracting(Containment.Incident::kind).containsExactly("timeout");
        assertThat(work.counts(P).pending()).as("nothing of the driver stays queued").isZero();
        assertThat(work.counts(P).cancelled()).isEqualTo(1); // the decay queued again before the flush hung
        int seen = drv.runs.size();
        work.tick(5000);
        assertThat(drv.runs).hasSize(seen);
    }
}
