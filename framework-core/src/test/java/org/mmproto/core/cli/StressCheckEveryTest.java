package org.mmproto.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mmproto.core.testkit.CliCapture;

/** {@code stress --check-every N}: invariants checked every N steps over the zones they touched. */
class StressCheckEveryTest {
    @Test
    void check_every_implies_check_and_reports_the_interval() {
        CliCapture.Run r = CliCapture.run("stress", "--machine", "single", "--ops", "20000", "--check-every", "1000",
                "--no-progress");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("# invariants held at every check (every 1000 steps)");
    }

    @Test
    void a_zero_interval_is_bad_input_and_help_states_the_cost() {
        assertThat(CliCapture.run("stress", "--check-every", "0").status()).isEqualTo(2);
        assertThat(CliCapture.run("stress", "--help").out()).contains("--check-every", "about an hour");
    }
}
