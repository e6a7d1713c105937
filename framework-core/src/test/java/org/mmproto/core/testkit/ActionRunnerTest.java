package org.mmproto.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The runner must be able to fail, and must shrink what fails. */
class ActionRunnerTest {
    static final class Counter {
        int value;
    }

    private static ActionRunner<Counter> buggyCounter() {
        return new ActionRunner<>(Counter::new,
                (rnd, i) -> rnd.nextInt(3) == 0
                        ? new ActionRunner.Step<>("dec", c -> c.value > 0, c -> c.value--)
                        : ActionRunner.Step.always("inc", c -> c.value++),
                c -> c.value == 5 ? List.of("value reached 5") : List.of());
    }

    @Test
    void a_broken_invariant_fails_with_seed_and_a_shrunk_sequence() {
        assertThatThrownBy(() -> buggyCounter().run(42, 200))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed 42")
                .hasMessageContaining("value reached 5")
                .hasMessageContaining("shrunk to 5 steps");
    }

    @Test
    void an_exception_in_a_step_is_a_failure() {
        ActionRunner<Counter> r = new ActionRunner<>(Counter::new,
                (rnd, i) -> ActionRunner.Step.always("boom", c -> {
                    throw new IllegalStateException("boom at " + c.value);
                }), c -> List.of());
        assertThatThrownBy(() -> r.run(1, 3)).hasMessageContaining("IllegalStateException: boom at 0");
    }

    @Test
    void a_passing_property_returns_the_final_state() {
        ActionRunner<Counter> r = new ActionRunner<>(Counter::new,
                (rnd, i) -> ActionRunner.Step.always("inc", c -> c.value++), c -> List.of());
        assertThat(r.run(7, 10).value).isEqualTo(10);
    }
}
