package org.mmproto.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.scenario.MatrixRunner;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.RunSetup;
import org.mmproto.core.scenario.Scenario;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.Timeline;

/**
 * The report's value and its files, on a scenario whose numbers are reasoned out: a driver that
 * counts the allocation vetoes it is asked, under buddy-veto (asks it) and unpatched (never
 * does), and a design the report code has never heard of.
 */
class SuiteReportTest {
    /** A design the report knows nothing about: mainline everywhere under another name. */
    public static final class NewDesign extends Unpatched {
        @Override
        public String name() {
            return "brand-new-design";
        }

        @Override
        public String summary() {
            return "test";
        }

        @Override
        public String source() {
            return "test";
        }
    }

    static final String SCENARIO = """
            name: counting
            description: three movable pages asked of private node 2 with __GFP_THISNODE.
            machine: private-cxl
            drivers:
              - {plugin: counting, node: 2}
            steps:
              - alloc_pages: {gfp: "GFP_HIGHUSER_MOVABLE|__GFP_THISNODE", nid: 2, count: 3, name: k}
                # nobody asks the driver but buddy-veto, whose veto consents: the others leak each page
                expect: {buddy-veto: {breaches: {leak: 0}}, others: {breaches: {leak: 3}}}
              - free_pages: {name: k}
            """;

    static RunSetup setup(String design) {
        Map<String, Supplier<Design>> designs = new java.util.TreeMap<>(RunSetup.builtInDesigns());
        designs.put("brand-new-design", NewDesign::new);
        Map<String, Supplier<PrivateNodeDriver>> drivers = Map.of("counting", CountingDriver::new);
        return new RunSetup(designs, drivers, Duration.ZERO, design, null, Map.of());
    }

    static final List<String> DESIGNS = List.of("unpatched", "buddy-veto", "brand-new-design");

    static SuiteReport report() {
        return report(SCENARIO);
    }

    /** The report of one scenario's text under {@link #DESIGNS}. */
    static SuiteReport report(String scenario) {
        Scenario s = ScenarioParser.parse(scenario, "counting.yaml", Path.of("."));
        List<Map<String, RunReport>> runs = new MatrixRunner(SuiteReportTest::setup, 2).run(List.of(s), DESIGNS, (a, b, t) -> { });
        return SuiteReport.of("counting.yaml", DESIGNS, List.of(Comparison.of(s, runs.get(0))), List.of());
    }

    private static Timeline.Series series(RunReport r, String key) {
        return r.timeline().series().stream().filter(x -> x.key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void the_timeline_samples_boot_and_every_step_with_the_driver_values_and_node_usage() {
        SuiteReport rep = report();
        RunReport veto = rep.comparisons().get(0).runs().get("buddy-veto");
        assertThat(veto.timeline().lines()).containsExactly(0, 7, 10);
        // reported at bind, so already at the boot sample, unchanged after
        assertThat(series(veto, "node2.pressure").values()).containsExactly(250L, 250L, 250L);
        assertThat(series(veto, "node2.capacity_pages").values()).containsExactly(100L, 100L, 100L);
        assertThat(series(veto, "node2.stat.poison").values()).containsExactly(0L, 0L, 0L);
        long vetoCalls = veto.privacy().sites().values().stream()
                .mapToLong(sc -> sc.hooks().getOrDefault("alloc_veto", new org.mmproto.core.scenario.PrivacyReport.HookCount(0, 0, 0, 0)).consulted())
                .sum();
        assertThat(vetoCalls).isPositive();
        // first asked by the alloc_pages step: null (not yet reported) at boot; the engine's count at the end
        assertThat(series(veto, "node2.stat.vetoes_seen").values()).containsExactly(null, vetoCalls, vetoCalls);
        // 3 pages taken by line 7, returned by line 10
        List<Long> used = series(veto, "node2.used_pages").values();
        assertThat(used.get(1) - used.get(0)).isEqualTo(3);
        assertThat(used.get(2)).isEqualTo(used.get(0));
        RunReport unpatched = rep.comparisons().get(0).runs().get("unpatched");
        assertThat(unpatched.timeline().series()).noneMatch(x -> x.key().equals("node2.stat.vetoes_seen"));
    }

    @Test
    void the_summary_cells_hold_what_the_runs_counted_and_mark_the_differences() {
        SuiteReport rep = report();
        SuiteSummary.Row row = rep.summary().rows().get(0);
        RunReport veto = rep.comparisons().get(0).runs().get("buddy-veto");
        long vetoCalls = series(veto, "node2.stat.vetoes_seen").values().get(2);
        SuiteSummary.Cell u = row.cells().get(0);
        SuiteSummary.Cell b = row.cells().get(1);
        // unpatched never asks a driver: its three pages leak; buddy-veto asks alloc_veto per page
        // and free_folio per freed page (it notifies every buddy free), at page_handout and free
        assertThat(u.text()).isEqualTo("leak:3 0/0/0/0/0"); // poison is 0 everywhere: not shown
        assertThat(vetoCalls).isEqualTo(3);
        assertThat(b.hookCalls()).isEqualTo(6);
        assertThat(b.sitesTouched()).containsExactly("page_handout", "free");
        assertThat(b.driverStats()).containsExactly(Map.entry("n2.poison", 0L), Map.entry("n2.vetoes_seen", vetoCalls));
        assertThat(b.text()).isEqualTo("ok 0/0/0/6/2 n2.vetoes_seen=3");
        assertThat(b.compactText()).isEqualTo("ok 0/0/0/6/2");
        assertThat(row.differ()).isTrue();
        assertThat(row.differsFromFirst(1)).isTrue();
        assertThat(row.differsFromFirst(2)).isFalse(); // the new design is mainline
        assertThat(SuiteText.render(rep)).contains("brand-new-design", "n2.vetoes_seen=" + vetoCalls, "# legend",
                "PASS: 1 of 1 scenario held their expectations under 3 designs");
    }

    @Test
    void charts_cover_node_usage_hook_calls_and_every_driver_series_for_every_design() {
        SuiteReport rep = report();
        List<Chart> charts = rep.charts().get(0);
        assertThat(charts).extracting(Chart::title).contains("driver hook calls per site",
                "node 2: pressure (driver-reported)", "node 2: poison (driver statistic)",
                "node 2: vetoes_seen (driver statistic)");
        assertThat(charts).filteredOn(c -> c.group().equals("node_usage")).extracting(Chart::title)
                .anyMatch(t -> t.startsWith("node 2 (private): used pages"));
        Chart usage2 = charts.stream().filter(c -> c.title().startsWith("node 2 (private)")).findFirst().orElseThrow();
        assertThat(usage2.series()).extracting(Chart.Series::label).containsExactlyElementsOf(DESIGNS);
        assertThat(usage2.x()).containsExactly("boot", "L7", "L10");
        Chart hooks = charts.stream().filter(c -> c.group().equals("hook_calls")).findFirst().orElseThrow();
        assertThat(hooks.x()).contains("page_handout");
        assertThat(hooks.series().get(0).values()).allMatch(v -> v == 0); // unpatched asks nobody
        Chart seen = charts.stream().filter(c -> c.title().contains("vetoes_seen")).findFirst().orElseThrow();
        assertThat(seen.series()).extracting(Chart.Series::label).containsExactly("buddy-veto");
        assertThat(charts).noneMatch(c -> c.group().equals("tiering")); // nothing counted pgdemote_*/pgpromote_*
    }

    @Test
    void the_directory_gets_every_file_and_json_markdown_and_html_agree_with_the_summary(@TempDir Path tmp) throws Exception {
        SuiteReport rep = report();
        Path dir = tmp.resolve("r");
        ReportDirectory.write(dir, rep);
        for (String f : ReportDirectory.FILES) {
            assertThat(dir.resolve(f)).isRegularFile();
        }
        String cell = rep.summary().rows().get(0).cells().get(1).text();
        JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertThat(json.get("format").asText()).isEqualTo("mmproto-report");
        assertThat(json.get("version").asInt()).isEqualTo(2);
        assertThat(json.get("designs")).extracting(JsonNode::asText).containsExactlyElementsOf(DESIGNS);
        JsonNode c = json.at("/summary/0/cells/buddy-veto");
        assertThat(c.get("text").asText()).isEqualTo(cell);
        assertThat(c.get("differs_from_first").asBoolean()).isTrue();
        assertThat(c.at("/driver_stats/n2.vetoes_seen").asLong()).isEqualTo(rep.summary().rows().get(0).cells().get(1)
                .driverStats().get("n2.vetoes_seen"));
        assertThat(c.get("poison").asLong()).isZero(); // the test driver reports poison=0
        assertThat(c.has("poison")).isTrue();
        assertThat(c.get("held_everything").asBoolean()).isTrue();
        assertThat(json.at("/held_everything/buddy-veto/held").asInt()).isEqualTo(1);
        assertThat(json.at("/held_everything/buddy-veto/of").asInt()).isEqualTo(1);
        assertThat(json.at("/scenarios/0/designs/buddy-veto/timeline/lines")).hasSize(3);
        assertThat(json.at("/scenarios/0/charts")).hasSize(rep.chartCount());
        assertThat(Files.readString(dir.resolve("report.md"))).contains("**`" + cell + "`**", "> three movable pages",
                "held everything (expectations and observations): unpatched 1/1");
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("data-charts=\"" + rep.chartCount() + "\"", "<td class=\"held differ\"", "brand-new-design",
                "<tr class=\"held-everything\">")
                .doesNotContain("<script src", "<link ").doesNotContainPattern("(src|href)=\"?(https?:)?//");
    }

    @Test
    void a_report_directory_is_replaced_but_a_foreign_one_is_left_alone(@TempDir Path tmp) throws Exception {
        SuiteReport rep = report();
        Path dir = tmp.resolve("r");
        ReportDirectory.write(dir, rep);
        Files.writeString(dir.resolve("stale.txt"), "from an older run");
        ReportDirectory.write(dir, rep);
        assertThat(dir.resolve("stale.txt")).doesNotExist();
        Path foreign = Files.createDirectory(tmp.resolve("home"));
        Files.writeString(foreign.resolve("thesis.tex"), "keep me");
        assertThatThrownBy(() -> ReportDirectory.write(foreign, rep)).hasMessageContaining("not replacing it");
        assertThat(foreign.resolve("thesis.tex")).hasContent("keep me");
    }
}
