package org.mmproto.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.RunSetup;
import org.mmproto.core.scenario.Scenario;
import org.mmproto.core.scenario.ScenarioFiles;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;

/** The terminal comparison keeps every cell apart, however wide a cell is. */
class ComparisonTextTest {

    @Test
    void a_step_cell_wider_than_the_design_names_does_not_run_into_its_neighbour() {
        Scenario s = ScenarioParser.parse(ScenarioFiles.resolve("move-pages"));
        Map<String, RunReport> runs = new LinkedHashMap<>();
        for (String d : RunSetup.builtInDesigns().keySet()) {
            runs.put(d, new ScenarioRunner(s, RunSetup.builtIn().withDesign(d)).run());
        }
        Comparison c = Comparison.of(s, runs);
        String text = TextReporter.comparison(c);
        // move_pages status lists make cells wider than any design name (16 + 2 columns)
        assertThat(c.steps().stream().flatMap(r -> r.cells().stream()).mapToInt(String::length).max().orElse(0))
                .isGreaterThan("zonelist-private".length() + 2);
        List<String> stepRows = text.lines().dropWhile(l -> !l.startsWith("## steps"))
                .skip(2).takeWhile(l -> !l.isBlank() && !l.startsWith("unwritten")).toList();
        assertThat(stepRows).isNotEmpty().noneMatch(l -> l.matches(".*\\]\\S.*"));
    }
}
