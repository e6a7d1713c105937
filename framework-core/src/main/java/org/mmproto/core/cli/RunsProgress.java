package org.mmproto.core.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.mmproto.core.scenario.MatrixRunner;

/**
 * A progress bar on stderr over the runs of a comparison (scenario x design); none when off. With
 * timings, each run's wall time is kept and {@link #printTimings} lists them, slowest first.
 */
final class RunsProgress implements MatrixRunner.Progress, AutoCloseable {
    private record Timed(String scenario, String design, long nanos) {
    }

    private final ProgressBar bar;
    private final List<Timed> times = new ArrayList<>();

    RunsProgress(boolean on, long runs) {
        this.bar = on ? new ProgressBarBuilder().setTaskName("runs").setInitialMax(runs).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200).setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
    }

    @Override
    public synchronized void runDone(String scenario, String design, long nanos) {
        times.add(new Timed(scenario, design, nanos));
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(scenario + " / " + design);
        }
    }

    /** Per scenario its runs' wall time summed, then every run, slowest first (ms). */
    synchronized void printTimings(PrintStream out, long wallNanos) {
        Map<String, Long> perScenario = new LinkedHashMap<>();
        times.forEach(t -> perScenario.merge(t.scenario(), t.nanos(), Long::sum));
        long sum = times.stream().mapToLong(Timed::nanos).sum();
        out.printf("# timings: %d runs, %d ms wall, %d ms summed over runs%n", times.size(), wallNanos / 1_000_000,
                sum / 1_000_000);
        perScenario.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.printf("%8d ms  %s%n", e.getValue() / 1_000_000, e.getKey()));
        times.stream().sorted(Comparator.comparingLong(Timed::nanos).reversed())
                .forEach(t -> out.printf("%8d ms  %s / %s%n", t.nanos() / 1_000_000, t.scenario(), t.design()));
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
