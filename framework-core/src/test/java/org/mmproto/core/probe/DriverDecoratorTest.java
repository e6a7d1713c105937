package org.mmproto.core.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.hooks.HookMethods;

/** The generated decorator keeps the driver's hook set, forwards calls, and fails the ones the injector picks. */
class DriverDecoratorTest {
    /** Counts free_folio calls; implements bind and free_folio only. */
    public static final class CountingDriver implements PrivateNodeDriver {
        int frees;
        long lastCallNanos;

        @Override
        public NodeOptIns bind(NodeBinding binding, DriverContext context) {
            return new NodeOptIns(EnumSet.noneOf(NpOps.class));
        }

        @Override
        public FreeAction freeFolio(FreeEvent event) {
            frees++;
            lastCallNanos = System.nanoTime();
            return FreeAction.RETURN_TO_BUDDY;
        }
    }

    @Test
    void off_returns_the_driver_itself() {
        CountingDriver d = new CountingDriver();
        assertThat(DriverDecorator.wrap(d, FaultInjector.OFF, 2, Duration.ZERO)).isSameAs(d);
    }

    @Test
    void forwards_keeps_the_hooks_and_fails_each_mode() {
        CountingDriver d = new CountingDriver();
        PrivateNodeDriver w = DriverDecorator.wrap(d, FaultInjector.parse(
                List.of("driver_hook:hook=free_folio,interval=2,mode=throw,probability=100,times=-1"), 1), 2, Duration.ZERO);
        assertThat(w.getClass()).isNotEqualTo(CountingDriver.class);
        assertThat(HookMethods.implemented(w.getClass())).isEqualTo(HookMethods.implemented(CountingDriver.class));
        assertThat(w.freeFolio(null)).isEqualTo(FreeAction.RETURN_TO_BUDDY);
        assertThatThrownBy(() -> w.freeFolio(null)).isInstanceOf(DriverDecorator.InjectedFault.class)
                .hasMessageContaining("free_folio");
        assertThat(w.freeFolio(null)).isEqualTo(FreeAction.RETURN_TO_BUDDY);
        assertThat(d.frees).as("the failed call never reached the driver").isEqualTo(2);

        PrivateNodeDriver nul = DriverDecorator.wrap(d, FaultInjector.parse(List.of("driver_hook:mode=null,probability=100,times=-1"), 1), 2,
                Duration.ZERO);
        assertThat(nul.freeFolio(null)).isNull();

    }

    @Test
    void a_hang_runs_the_hook_first_and_then_overruns() {
        CountingDriver d = new CountingDriver();
        PrivateNodeDriver hang = DriverDecorator.wrap(d, FaultInjector.parse(List.of("driver_hook:mode=hang,times=1,probability=100"),
                1), 2, Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertThat(hang.freeFolio(null)).isEqualTo(FreeAction.RETURN_TO_BUDDY);
        long returned = System.nanoTime();
        assertThat(returned - t0).as("hung past the budget").isGreaterThanOrEqualTo(300_000_000L);
        assertThat(d.frees).as("the driver saw the hung call").isEqualTo(1);
        // the hook ran at the start of the call (the engine, waiting up to the budget, sees its effects),
        // not after the sleep: an abandoned lane is interrupted in its sleep and would never run it
        assertThat(returned - d.lastCallNanos).isGreaterThanOrEqualTo(300_000_000L);
    }

    @Test
    void a_hook_filter_fails_only_the_hooks_it_names() {
        CountingDriver d = new CountingDriver();
        PrivateNodeDriver w = DriverDecorator.wrap(d, FaultInjector.parse(
                List.of("driver_hook:hook=alloc_veto,migrate_to,mode=throw,probability=100,times=-1"), 1), 2, Duration.ZERO);
        assertThat(w.freeFolio(null)).isEqualTo(FreeAction.RETURN_TO_BUDDY);
        assertThat(d.frees).isEqualTo(1);
        PrivateNodeDriver frees = DriverDecorator.wrap(d, FaultInjector.parse(
                List.of("driver_hook:hook=alloc_veto,free_folio,mode=throw,probability=100,times=-1"), 1), 2, Duration.ZERO);
        assertThatThrownBy(() -> frees.freeFolio(null)).isInstanceOf(DriverDecorator.InjectedFault.class);
    }
}
