package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The lane's overrun judgement: a waiting call overran, a runnable call that got no CPU was starved. */
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
}
