package org.mmproto.core.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.mmproto.core.scenario.MatrixRunner;

/** A progress bar on stderr over the runs of a comparison (scenario x design); none when off. */
final class RunsProgress implements MatrixRunner.Progress, AutoCloseable {
    private final ProgressBar bar;

    RunsProgress(boolean on, long runs) {
        this.bar = on ? new ProgressBarBuilder().setTaskName("runs").setInitialMax(runs).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200).setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
    }

    @Override
    public synchronized void runDone(String scenario, String design) {
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(scenario + " / " + design);
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
