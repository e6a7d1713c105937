package org.mmproto.core.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.report.Reporter;
import org.mmproto.core.report.Reporters;
import org.mmproto.core.scenario.RunFactory;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.Scenario;
import org.mmproto.core.scenario.ScenarioFiles;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;
import org.mmproto.core.scenario.step.Repeat;
import org.mmproto.core.trace.Tracer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mmproto run}: executes a scenario file and reports what each step did. */
@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Run a scenario and report what each step did.",
        description = {
            "Run a scenario: a machine, tasks and an ordered list of steps (mmap,",
            "touch, fork, memfd, madvise, set_mempolicy, mbind, migrate_pages,",
            "move_pages, kernel alloc_pages, seeded workloads, ...) with expected",
            "results. Prints one line per step, then the vmstat changes, per-node",
            "usage and every failed expectation with its file:line.",
            "SCENARIO is a file or a bundled scenario name (scenarios/NAME.yaml);",
            "without it the bundled default scenario runs. The format is in",
            "scenarios/README.md.", ""},
        footer = {"", "Exit status: 0 every expectation held, 1 an expectation failed or an",
            "invariant was violated, 2 bad scenario file or arguments.",
            "", "Examples:",
            "  ./mmproto run                        the default scenario",
            "  ./mmproto run mbind --format json    a bundled scenario, as JSON",
            "  ./mmproto run --list                 the bundled scenarios",
            "  ./mmproto run private-node-audit --design fallback-only",
            "  ./mmproto run mbind --trace out.txt --events 'kmem:*,migrate:*'   ftrace text",
            "  ./mmproto run cram-overcommit --trace out.json                     Perfetto",
            "  ./mmproto run reclaim-swap --fail 'swap_write:probability=100,interval=2,times=-1'"})
final class RunCommand implements Callable<Integer> {
    /** Scenarios with more steps than this print only failing steps (unless --verbose). */
    static final int LONG_SCENARIO_STEPS = 200;
    /** Repeat steps with at least this many iterations get a progress bar on a terminal. */
    static final long PROGRESS_MIN_ITERATIONS = 20_000;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO",
            description = "Scenario file or bundled scenario name (default: the bundled 'default').")
    String scenario;

    @Option(names = "--format", defaultValue = "text", paramLabel = Reporters.RUN_FORMATS,
            converter = ReportFormats.ForRun.class, description = "Output format (default: ${DEFAULT-VALUE}).")
    Reporter format;

    @Option(names = "--seed", paramLabel = "S",
            description = "Replace the scenario's seed (repeat steps without their own seed derive theirs from it).")
    Long seed;

    @Option(names = "--progress", negatable = true,
            description = "Progress bar on stderr for long runs (default: on when attached to a terminal).")
    Boolean progress;

    @Option(names = {"-v", "--verbose"},
            description = "Print every step line, also for scenarios of more than " + LONG_SCENARIO_STEPS + " steps.")
    boolean verbose;

    @Option(names = "--list", description = "List the bundled scenarios and exit.")
    boolean list;

    @Option(names = "--design", paramLabel = "NAME",
            description = "Run under this design (default: the scenario's design:, else ops-struct); see `mmproto designs`.")
    String design;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Mixin
    TraceOptions observe = new TraceOptions();

    @Override
    public Integer call() {
        PrintStream out = System.out;
        if (list) {
            return list(out);
        }
        Path file = ScenarioFiles.resolve(scenario);
        Scenario s = ScenarioParser.parse(file);
        if (seed != null) {
            s = s.withSeed(seed);
        }
        // options are checked before anything is printed: a bad --plugins is not a half report
        RunFactory factory = engine.factory();
        var setup = factory.setup(design, engine.budget());
        FaultInjector faults = observe.faults();
        Tracer tracer = observe.tracer();
        observe.attachProbes(tracer);
        boolean showProgress = progress != null ? progress : Terminal.attached();
        boolean longRun = s.steps().size() > LONG_SCENARIO_STEPS && !verbose;
        Reporter.RunOutput output = format.openRun(s, longRun, out);
        Progress listener = new Progress(output, longRun, showProgress, s.steps().size());
        RunReport report;
        try {
            ScenarioRunner runner = new ScenarioRunner(s, setup).listener(listener).instrument(tracer, faults);
            report = runner.run();
            if (verbose) {
                printStackTraces(s.source(), runner.exceptions(), System.err);
            }
        } finally {
            listener.close();
            observe.finish(tracer, faults, System.err);
        }
        output.end(report);
        return report.passed() ? 0 : 1;
    }

    /** -v: the stack trace of each exception a step threw (the report has one line per step). */
    static void printStackTraces(String source, List<ScenarioRunner.StepException> exceptions, PrintStream err) {
        for (ScenarioRunner.StepException e : exceptions) {
            err.println(source + ":" + e.line() + ": " + e.op() + " threw:");
            e.error().printStackTrace(err);
        }
    }

    private int list(PrintStream out) {
        List<Path> files = ScenarioFiles.bundled();
        if (files.isEmpty()) {
            out.println("no bundled scenarios directory found");
            return 0;
        }
        Path dir = ScenarioFiles.bundledDir().orElseThrow();
        out.println("# bundled scenarios (" + dir + ")");
        // a subdirectory's names (rfc-selftests/private_node_mbind) widen the name column; lines stay within 80
        int width = Math.max(21, files.stream().mapToInt(p -> ScenarioFiles.nameOf(dir, p).length()).max().orElse(0));
        int descMax = Math.max(20, 80 - 3 - width);
        for (Path p : files) {
            String name = ScenarioFiles.nameOf(dir, p);
            String desc = "";
            try {
                YamlTree t = YamlTree.read(p);
                var top = t.rootMapping("a scenario");
                desc = t.get(top, "description").map(t::string).map(String::strip).orElse("");
                int nl = desc.indexOf('\n');
                desc = nl < 0 ? desc : desc.substring(0, nl);
            } catch (RuntimeException e) {
                desc = "(unreadable: " + e.getMessage() + ")";
            }
            if (desc.length() > descMax) {
                desc = desc.substring(0, descMax - 3).stripTrailing() + "...";
            }
            out.printf("  %-" + width + "s %s%n", name, desc);
        }
        return 0;
    }

    /** Hands each finished step to the report and drives the progress bars. */
    private static final class Progress implements ScenarioRunner.Listener, AutoCloseable {
        private final Reporter.RunOutput output;
        private final boolean bars;
        private final ProgressBar stepsBar;
        private ProgressBar repeatBar;
        private ProgressBar readBar;
        private long done;

        Progress(Reporter.RunOutput output, boolean longRun, boolean bars, int steps) {
            this.output = output;
            this.bars = bars;
            this.stepsBar = bars && longRun ? bar("steps", steps) : null;
        }

        private static ProgressBar bar(String name, long max) {
            return new ProgressBarBuilder().setTaskName(name).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        }

        @Override
        public void stepDone(RunReport.StepResult step, List<RunReport.ExpectationResult> expectations) {
            done++;
            if (stepsBar != null) {
                stepsBar.stepTo(done);
            }
            output.step(step, expectations);
        }

        @Override
        public void repeatStarted(Repeat step, long times) {
            if (bars && times >= PROGRESS_MIN_ITERATIONS && stepsBar == null) {
                repeatBar = bar(step.workload().kind().key() + " (line " + step.line() + ")", times);
            }
        }

        @Override
        public void repeatProgress(long n) {
            if (repeatBar != null) {
                repeatBar.stepTo(n);
            }
        }

        @Override
        public void repeatDone() {
            if (repeatBar != null) {
                repeatBar.close();
                repeatBar = null;
            }
        }

        @Override
        public void readStarted(String what, long total) {
            if (bars && stepsBar == null && total != 0) { // -1: a pipe, of unknown length (bytes so far)
                readBar = new ProgressBarBuilder().setTaskName(what).setInitialMax(total).setUnit(" KiB", 1024)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
            }
        }

        @Override
        public void readProgress(long n) {
            if (readBar != null) {
                readBar.stepTo(n);
            }
        }

        @Override
        public void readDone() {
            if (readBar != null) {
                readBar.close();
                readBar = null;
            }
        }

        @Override
        public void close() {
            repeatDone();
            if (stepsBar != null) {
                stepsBar.close();
            }
        }
    }
}
