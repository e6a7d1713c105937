package org.mmproto.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.FreeEvent;

/**
 * R3.3's budget is CPU time (CONTRACT R3.3): a call that waits longer than the budget, without
 * using it and without hanging, is within it, however loaded the machine; one that never answers
 * hangs and fails the rule (Sleeps, in BrokenDriversTest).
 */
class BudgetTest {
    /** Its first free_folio waits 500 ms for its device (an I/O latency), using no CPU. */
    public static class WaitsForTheDevice implements PrivateNodeDriver {
        /** The waits of every instance (that the call was made: the kit's runs are each a new instance). */
        static final java.util.concurrent.atomic.AtomicInteger WAITS = new java.util.concurrent.atomic.AtomicInteger();
        private boolean waited;

        @Override
        public NodeOptIns bind(NodeBinding b, DriverContext c) {
            return new NodeOptIns(EnumSet.noneOf(NpOps.class));
        }

        @Override
        public FreeAction freeFolio(FreeEvent e) {
            if (!waited) {
                waited = true;
                WAITS.incrementAndGet();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
            }
            return FreeAction.RETURN_TO_BUDDY;
        }
    }

    @Test
    void a_call_that_waits_two_and_a_half_budgets_without_using_cpu_is_within_the_budget() {
        ConformanceReport r = ConformanceKit.check(new DriverUnderTest.Type(WaitsForTheDevice.class, "waits", null, Map.of()),
                new ConformanceKit.Options("buddy-veto", 1, Duration.ofMillis(200)));
        // buddy-veto tells the driver of every free: the kernel pages' __free_pages too
        assertThat(WaitsForTheDevice.WAITS.get()).as("free_folio calls that waited").isGreaterThanOrEqualTo(4);
        Result budget = r.of(Rules.BUDGET).get(0);
        assertThat(budget.outcome()).as(budget.where()).isEqualTo(Outcome.PASS);
        // R3.8 reads the class's directory: this test's classes reference the kit (a jar of its own passes it)
        assertThat(r.failedRules()).as(r.results().stream().filter(x -> x.outcome() == Outcome.FAIL)
                .map(x -> x.rule().id() + ": " + x.where()).toList().toString()).containsExactly("R3.8");
    }

    /** Spins 400 ms of CPU in bind, only when bound through the fault decorator (the kit's faulted runs). */
    public static class SlowBindWhenFaulted implements PrivateNodeDriver {
        @Override
        public NodeOptIns bind(NodeBinding b, DriverContext c) {
            boolean decorated = java.util.Arrays.stream(Thread.currentThread().getStackTrace())
                    .anyMatch(f -> f.getClassName().endsWith("$FaultDecorator"));
            if (decorated) {
                var mx = java.lang.management.ManagementFactory.getThreadMXBean();
                long c0 = mx.getCurrentThreadCpuTime();
                long x = 0;
                while (mx.getCurrentThreadCpuTime() - c0 < 400_000_000L) {
                    x += System.nanoTime() & 1;
                }
                if (x == -1) {
                    throw new AssertionError();
                }
            }
            return new NodeOptIns(EnumSet.noneOf(NpOps.class));
        }

        @Override
        public FreeAction freeFolio(FreeEvent e) {
            return FreeAction.RETURN_TO_BUDDY;
        }
    }

    /** One event, one rule: a faulted run's bind over its budget fails R3.3, and R6.3 is not judged on it. */
    @Test
    void a_bind_over_budget_in_a_faulted_run_is_r3_3_not_r6_3() {
        ConformanceReport r = ConformanceKit.check(new DriverUnderTest.Type(SlowBindWhenFaulted.class, "slow-bind", null,
                Map.of()), new ConformanceKit.Options("buddy-veto", 1, Duration.ofMillis(200)));
        Result budget = r.of(Rules.BUDGET).get(0);
        assertThat(budget.outcome()).as(budget.detail()).isEqualTo(Outcome.FAIL);
        assertThat(budget.where()).contains("--fail");
        assertThat(r.of(Rules.FAULTS).get(0).outcome()).as(r.of(Rules.FAULTS).get(0).detail()).isNotEqualTo(Outcome.FAIL);
        assertThat(r.failedRules()).containsExactlyInAnyOrder("R3.3", "R3.8");
    }
}
