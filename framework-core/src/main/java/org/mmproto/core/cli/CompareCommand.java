package org.mmproto.core.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.plugin.DesignRegistry;
import org.mmproto.core.report.Comparison;
import org.mmproto.core.report.Reporter;
import org.mmproto.core.report.Reporters;
import org.mmproto.core.scenario.RunFactory;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.Scenario;
import org.mmproto.core.scenario.ScenarioFiles;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mmproto compare}: one workload under every design, side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        header = "Run a scenario under every design and show the runs side by side.",
        description = {
            "Run a scenario (or every scenario of a directory) once per design and",
            "show the runs side by side: the private-node invariants first (leak,",
            "escape, unsafe write, unnotified free), then each step's outcome per",
            "design with the rows where the designs differ marked *, the dispatcher",
            "consultations per site, each design's patch footprint, the vmstat",
            "changes and the node usage.", ""},
        footer = {"", "Exit status: 0 every run held its expectations, 1 some did not, 2 bad input",
            "(a bad scenario of a directory is reported and the others still run).",
            "", "Examples:",
            "  ./mmproto compare private-node-audit",
            "  ./mmproto compare cxl-mempolicy --designs ops-struct,buddy-veto",
            "  ./mmproto compare scenarios --format markdown"})
final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCENARIO|DIR",
            description = "A scenario file, a bundled scenario name, or a directory of *.yaml scenarios.")
    String target;

    @Option(names = "--designs", split = ",", paramLabel = "NAMES",
            description = "Designs to compare (default: every installed design, see `mmproto designs`).")
    List<String> designs;

    @Option(names = "--format", defaultValue = "text", paramLabel = Reporters.COMPARE_FORMATS,
            converter = ReportFormats.ForComparison.class, description = "Output format (default: ${DEFAULT-VALUE}).")
    Reporter format;

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
        boolean passed = true;
        List<Path> bad = new ArrayList<>();
        Reporter.ComparisonOutput output = format.openComparisons(files.size(), System.out);
        for (Path f : files) {
            Scenario s;
            try {
                s = ScenarioParser.parse(f);
            } catch (ConfigException e) {
                if (files.size() == 1) {
                    throw e;
                }
                // one bad file of a directory must not hide the others' results
                System.err.println("mmproto: " + e.getMessage());
                bad.add(f);
                continue;
            }
            Map<String, RunReport> runs = new LinkedHashMap<>();
            for (String d : names) {
                runs.put(d, new ScenarioRunner(s, factory.setup(d, engine.budget())).run());
            }
            Comparison c = Comparison.of(s, runs);
            passed &= c.passed();
            output.add(c);
        }
        output.end();
        if (!bad.isEmpty()) {
            System.err.println("mmproto: " + bad.size() + " of " + files.size() + " scenario"
                    + (files.size() == 1 ? "" : "s") + " not run (bad file" + (bad.size() == 1 ? "" : "s")
                    + ": " + String.join(", ", bad.stream().map(Path::toString).toList()) + ")");
            return 2;
        }
        return passed ? 0 : 1;
    }

    private List<Path> scenarios() {
        Path p = Path.of(target);
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.list(p)) {
                List<Path> out = new ArrayList<>(s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList());
                if (out.isEmpty()) {
                    throw new IllegalArgumentException(target + ": no *.yaml scenarios in this directory");
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.of(ScenarioFiles.resolve(target));
    }
}
