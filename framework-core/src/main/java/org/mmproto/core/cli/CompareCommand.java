package org.mmproto.core.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.plugin.DesignRegistry;
import org.mmproto.core.report.Comparison;
import org.mmproto.core.report.ReportDirectory;
import org.mmproto.core.report.Reporter;
import org.mmproto.core.report.Reporters;
import org.mmproto.core.report.SuiteReport;
import org.mmproto.core.report.SuiteText;
import org.mmproto.core.scenario.MatrixRunner;
import org.mmproto.core.scenario.RunFactory;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.Scenario;
import org.mmproto.core.scenario.ScenarioFiles;
import org.mmproto.core.scenario.ScenarioParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mmproto compare}: workloads under every design, side by side, and the report files. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        header = "Run scenarios under every design side by side; write the report.",
        description = {
            "Run a scenario (or every scenario of a directory, or several) once per",
            "design and show the runs side by side: the private-node invariants first",
            "(leak, escape, unsafe write, unnotified free), then each step's outcome",
            "per design with the rows where the designs differ marked *, the",
            "dispatcher consultations per site, each design's patch footprint, the",
            "vmstat changes and the node usage. Several scenarios print the summary",
            "(scenario x design) instead; --details prints each comparison too.",
            "",
            "The report (report.html with charts, report.md, report.json, summary.txt)",
            "goes to --report DIR, replaced on every run; docs/report-json.md documents",
            "the JSON. Runs go on --jobs threads (each run has its own kernel).", ""},
        footer = {"", "Exit status: 0 every run held its expectations, 1 some did not, 2 bad input",
            "(a bad scenario of a directory is reported and the others still run).",
            "", "Examples:",
            "  ./mmproto compare private-node-audit",
            "  ./mmproto compare cxl-mempolicy --designs ops-struct,buddy-veto",
            "  ./mmproto compare scenarios --report /tmp/r      then open /tmp/r/report.html",
            "  ./mmproto compare scenarios --format markdown --no-report"})
final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "1..*", paramLabel = "SCENARIO|DIR",
            description = "Scenario files, bundled scenario names, or directories of *.yaml scenarios.")
    List<String> targets;

    @Option(names = "--designs", split = ",", paramLabel = "NAMES",
            description = "Designs to compare (default: every installed design, see `mmproto designs`).")
    List<String> designs;

    @Option(names = "--format", defaultValue = "text", paramLabel = Reporters.COMPARE_FORMATS,
            converter = ReportFormats.ForComparison.class, description = "Output format (default: ${DEFAULT-VALUE}).")
    Reporter format;

    @Option(names = "--report", defaultValue = "report", paramLabel = "DIR",
            description = "Directory the report files are written to, replaced each run (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--no-report", description = "Write no report files.")
    boolean noReport;

    @Option(names = "--details", description = "With several scenarios, also print each comparison (text format).")
    boolean details;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "Runs at a time (default: the number of CPUs).")
    Integer jobs;

    @Option(names = "--progress", negatable = true,
            description = "Progress bar on stderr (default: on when attached to a terminal and more than one run).")
    Boolean progress;

    @Option(names = "--timings", description = "After the runs, each run's wall time on stderr, slowest first.")
    boolean timings;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Override
    public Integer call() {
        List<Path> files = scenarios();
        RunFactory factory = engine.factory();
        DesignRegistry installed = factory.designs();
        List<String> names = designs != null ? designs : installed.comparisonOrder();
        for (String d : names) {
            if (installed.entry(d).isEmpty()) {
                throw new IllegalArgumentException("unknown design '" + d + "'; installed: " + String.join(", ", installed.names()));
            }
        }
        int threads = jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
        if (threads < 1) {
            throw new IllegalArgumentException("--jobs must be >= 1, got " + threads);
        }
        List<Scenario> parsed = new ArrayList<>();
        List<Path> bad = new ArrayList<>();
        for (Path f : files) {
            try {
                parsed.add(ScenarioParser.parse(f));
            } catch (ConfigException e) {
                if (files.size() == 1) {
                    throw e;
                }
                // one bad file of a directory must not hide the others' results
                System.err.println("mmproto: " + e.getMessage());
                bad.add(f);
            }
        }
        long runs = (long) parsed.size() * names.size();
        List<Map<String, RunReport>> results;
        long start = System.nanoTime();
        RunsProgress bar = new RunsProgress(progress != null ? progress : Terminal.attached() && runs > 1, runs);
        try (bar) {
            results = new MatrixRunner(d -> factory.setup(d, engine.budget()), threads).run(parsed, names, bar);
        }
        if (timings) {
            bar.printTimings(System.err, System.nanoTime() - start);
        }
        List<Comparison> comparisons = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            comparisons.add(Comparison.of(parsed.get(i), results.get(i)));
        }
        boolean several = files.size() > 1;
        SuiteReport suite = SuiteReport.of(String.join(" ", targets), names, comparisons,
                bad.stream().map(Path::toString).toList());
        if (several && "text".equals(format.format()) && !details) {
            System.out.print(SuiteText.render(suite));
        } else {
            Reporter.ComparisonOutput output = format.openComparisons(files.size(), System.out);
            comparisons.forEach(output::add);
            output.end();
            if (several && "text".equals(format.format())) {
                System.out.print(SuiteText.render(suite));
            }
        }
        if (!noReport) {
            ReportDirectory.write(report, suite);
            System.err.println("mmproto: report written to " + report + "/ (" + String.join(", ", ReportDirectory.FILES)
                    + ")");
        }
        if (!bad.isEmpty()) {
            System.err.println("mmproto: " + bad.size() + " of " + files.size() + " scenario"
                    + (files.size() == 1 ? "" : "s") + " not run (bad file" + (bad.size() == 1 ? "" : "s")
                    + ": " + String.join(", ", bad.stream().map(Path::toString).toList()) + ")");
            return 2;
        }
        return suite.passed() ? 0 : 1;
    }

    private List<Path> scenarios() {
        List<Path> out = new ArrayList<>();
        for (String target : targets) {
            Path p = Path.of(target);
            if (Files.isDirectory(p)) {
                // subdirectories too: compare scenarios/ runs scenarios/thread/ and scenarios/rfc-selftests/
                List<Path> in = ScenarioFiles.under(p);
                if (in.isEmpty()) {
                    throw new IllegalArgumentException(target + ": no *.yaml scenarios in this directory");
                }
                out.addAll(in);
            } else {
                out.add(ScenarioFiles.resolve(target));
            }
        }
        return out;
    }
}
