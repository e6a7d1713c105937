package org.mmproto.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mmproto.core.testkit.CliCapture;

/**
 * The progress bars of {@code bench faults} and {@code stress} appear only on a terminal: under
 * the test runner (output not a terminal) a run without {@code --progress} writes nothing to
 * stderr, and the forced bar shows that the check would see one.
 */
class ProgressOffTest {
    @Test
    void bench_faults_prints_no_bar_when_not_on_a_terminal() {
        assertThat(Terminal.attached()).as("the test runner's output is not a terminal").isFalse();
        CliCapture.Run r = CliCapture.run("bench", "faults", "--machine", "single", "--size", "1MiB", "--rounds", "2",
                "--warmup", "1");
        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).doesNotContain("rounds ", "%").contains("faults_per_s=");
        CliCapture.Run forced = CliCapture.run("bench", "faults", "--machine", "single", "--size", "1MiB", "--rounds",
                "2", "--warmup", "1", "--progress");
        assertThat(forced.err()).contains("rounds").contains("3/3");
    }

    @Test
    void stress_prints_no_bar_when_not_on_a_terminal() {
        CliCapture.Run r = CliCapture.run("stress", "--machine", "single", "--ops", "5000", "--seed", "1");
        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).doesNotContain("stress 100%");
        CliCapture.Run forced = CliCapture.run("stress", "--machine", "single", "--ops", "5000", "--seed", "1",
                "--progress");
        assertThat(forced.err()).contains("stress");
    }
}
