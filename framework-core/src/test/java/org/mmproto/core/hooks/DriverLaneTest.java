package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The lane's overrun judgement: CPU time over the budget, or a call not running once the hang timeout passed; a runnable call that got no CPU was starved. */
class DriverLaneTest {

    @Test
    void a_call_that_sleeps_past_the_budget_quarantines_the_lane() {
        try (DriverLane lane = new DriverLane("sleeper", Duration.ofMillis(20))) {
            assertThatThrownBy(() -> lane.run(() -> {
                Thread.sleep(10_000);
                return 1;
            })).isInstanceOf(TimeoutException.class);
            assertThat(lane.quarantined()).isTrue();
        }
    }

    @Test
    void a_call_that_spins_is_quarantined() {
        try (DriverLane lane = new DriverLane("spinner", Duration.ofMillis(20))) {
            assertThatThrownBy(() -> lane.run(() -> {
                long x = 0;
                while (!Thread.currentThread().isInterrupted()) {
                    x++;
                }
                return x;
            })).isInstanceOf(TimeoutException.class);
            assertThat(lane.quarantined()).isTrue();
        }
    }

    /**
     * The budget is CPU time: a call that sleeps three budgets (a device's latency) used none of it
     * and is answered; under a wall-time budget it overran.
     */
    @Test
    void a_call_that_waits_longer_than_its_budget_but_not_hung_is_answered() throws Exception {
        try (DriverLane lane = new DriverLane("waits", Duration.ofMillis(100))) {
            long t0 = System.nanoTime();
            int answer = lane.run(() -> {
                Thread.sleep(300);
                return 7;
            });
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(300_000_000L);
            assertThat(answer).isEqualTo(7);
            assertThat(lane.quarantined()).isFalse();
        }
    }

    /** A call that answers after using more CPU than its budget overran: its answer is not used. */
    @Test
    void an_answer_after_more_cpu_than_the_budget_is_an_overrun() {
        try (DriverLane lane = new DriverLane("burns", Duration.ofMillis(30))) {
            assertThatThrownBy(() -> lane.run(() -> {
                var threads = java.lang.management.ManagementFactory.getThreadMXBean();
                long end = threads.getCurrentThreadCpuTime() + 120_000_000L;
                long x = 0;
                while (threads.getCurrentThreadCpuTime() < end) {
                    x++;
                }
                return x;
            })).isInstanceOf(TimeoutException.class).hasMessageContaining("ms of CPU, over its 30 ms budget");
            assertThat(lane.quarantined()).isTrue();
        }
    }

    /** A hang is told from a wait by wall time: not running after max(budget, 1 s), within a few polls of it. */
    @Test
    void a_call_that_never_answers_hangs_after_the_hang_timeout() {
        assertThat(DriverLane.hangAfter(Duration.ofMillis(200))).isEqualTo(Duration.ofSeconds(1));
        assertThat(DriverLane.hangAfter(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(10));
        try (DriverLane lane = new DriverLane("hangs", Duration.ofMillis(200))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> lane.run(() -> {
                Thread.sleep(60_000);
                return 1;
            })).isInstanceOf(TimeoutException.class).hasMessageContaining("hung: got no CPU for");
            long took = System.nanoTime() - t0;
            assertThat(took).isBetween(1_000_000_000L, 5_000_000_000L);
        }
    }

    /** An injected hang (fault injection) is a hang by declaration: quarantined without waiting out the hang timeout. */
    @Test
    void an_injected_hang_is_hung_at_once() {
        try (DriverLane lane = new DriverLane("injected", Duration.ofMillis(200))) {
            // the classification, not a timing: a hang waited out would say "got no CPU for"
            assertThatThrownBy(() -> lane.run(() -> {
                Containment.injectedHang(Duration.ofSeconds(5));
                return 1;
            })).isInstanceOf(TimeoutException.class).hasMessageContaining("an injected hang")
                    .hasMessageNotContaining("got no CPU");
            assertThat(lane.quarantined()).isTrue();
        }
    }

    /**
     * A thread blocked in a native read is RUNNABLE and uses no CPU: what a call starved by a loaded
     * machine looks like. It is waited for past its budget, and its answer is taken.
     */
    @Test
    void a_runnable_call_that_got_no_cpu_is_waited_for_past_its_budget() throws Exception {
        Pipe pipe = Pipe.open();
        try (DriverLane lane = new DriverLane("starved", Duration.ofMillis(40))) {
            Thread writer = new Thread(() -> {
                try {
                    Thread.sleep(150);
                    pipe.sink().write(ByteBuffer.wrap(new byte[] {42}));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            int answer = lane.run(() -> {
                ByteBuffer b = ByteBuffer.allocate(1);
                pipe.source().read(b);
                return (int) b.get(0);
            });
            writer.join();
            assertThat(answer).isEqualTo(42);
            assertThat(lane.quarantined()).isFalse();
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
    }

    /** The framework's work on the lane's thread (class generation, injector creation) is not the driver's CPU. */
    @Test
    void the_frameworks_work_on_the_lane_is_not_charged_to_the_driver() throws Exception {
        try (DriverLane lane = new DriverLane("framework", Duration.ofMillis(50))) {
            int answer = lane.run(() -> DriverLane.unbudgeted(() -> {
                spinCpu(300_000_000L);
                return 7;
            }));
            assertThat(answer).isEqualTo(7);
            assertThat(lane.quarantined()).isFalse();
        }
        try (DriverLane lane = new DriverLane("driver", Duration.ofMillis(50))) {
            assertThatThrownBy(() -> lane.run(() -> {
                DriverLane.unbudgeted(() -> 0);
                spinCpu(300_000_000L);
                return 7;
            })).isInstanceOf(TimeoutException.class).hasMessageContaining("of CPU, over its 50 ms budget");
        }
    }

    /**
     * Sleeping and working in turn, each sleep shorter than the hang timeout: the thread's CPU
     * advances between the sleeps, so the call is not hung however long it takes in all.
     */
    @Test
    void a_call_that_sleeps_and_works_in_turn_is_not_hung() throws Exception {
        try (DriverLane lane = new DriverLane("naps", Duration.ofMillis(200))) {
            int answer = lane.run(() -> {
                for (int i = 0; i < 4; i++) {
                    Thread.sleep(600);
                    spinCpu(5_000_000L);
                }
                return 3;
            });
            assertThat(answer).isEqualTo(3);
            assertThat(lane.quarantined()).isFalse();
        }
    }

    /** Spins until the current thread used {@code nanos} of CPU. */
    private static void spinCpu(long nanos) {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long x = 0;
        while (mx.getCurrentThreadCpuTime() - c0 < nanos) {
            x += System.nanoTime() & 1;
        }
        if (x == -1) {
            throw new AssertionError();
        }
    }
}
