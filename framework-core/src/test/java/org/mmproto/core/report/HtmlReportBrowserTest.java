package org.mmproto.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html in a real browser: headless Chromium (Debian's {@code chromium}; .ci/run installs
 * it) loads the page from disk, runs its scripts and dumps the DOM. Every table and every chart
 * of the data must be there, drawn by uPlot, and the page must write nothing to the console
 * (Chromium logs every console message and uncaught exception as a {@code CONSOLE} line on
 * stderr, whatever its level, so any such line fails). Without Chromium the test is skipped,
 * except under CI, where it fails.
 */
class HtmlReportBrowserTest {
    private static String chromium;

    record Page(String dom, List<String> console) {
    }

    @BeforeAll
    static void findChromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(c))) {
                chromium = c;
            }
        }
        if (chromium == null && System.getenv("CI") != null) {
            throw new IllegalStateException("CI needs chromium (apt-get install -y chromium; .ci/run does it)");
        }
        assumeTrue(chromium != null, "chromium is not installed (apt-get install -y chromium)");
    }

    static Page load(Path html, Path profile) throws IOException, InterruptedException {
        List<String> cmd = List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
                "--dump-dom", html.toUri().toString());
        Path out = profile.resolveSibling("dom.html");
        Path err = profile.resolveSibling("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        List<String> console = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains(":CONSOLE")).toList();
        return new Page(Files.readString(out), console);
    }

    private static int count(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void the_report_renders_every_table_and_chart_with_no_console_output(@TempDir Path tmp) throws Exception {
        SuiteReport rep = SuiteReportTest.report();
        ReportDirectory.write(tmp.resolve("r"), rep);
        Page page = load(tmp.resolve("r/report.html"), tmp.resolve("profile"));
        assertThat(page.console()).as("console messages").isEmpty();
        int charts = rep.chartCount();
        assertThat(charts).isEqualTo(6);
        assertThat(page.dom()).contains("data-charts-rendered=\"" + charts + "\"", "id=\"summary-table\"");
        assertThat(count(page.dom(), "<div class=\"uplot")).isEqualTo(charts);
        assertThat(count(page.dom(), "<canvas")).isEqualTo(charts);
        // the summary, per scenario the outcome, the steps, then the count sections of Comparison
        int tables = 1 + rep.comparisons().stream().mapToInt(c -> 2 + c.sections().size()).sum();
        assertThat(count(page.dom(), "<table class=\"sortable")).isEqualTo(tables);
        for (Chart c : rep.charts().get(0)) {
            assertThat(page.dom()).contains("<figcaption>" + HtmlReport.esc(c.title()) + "</figcaption>");
            for (Chart.Series s : c.series()) {
                assertThat(page.dom()).contains(HtmlReport.esc(s.label())); // uPlot's legend
            }
        }
    }

    @Test
    void observations_show_in_the_summary_the_outcome_and_their_own_table(@TempDir Path tmp) throws Exception {
        // the counting driver's veto consents, so the pages land on node 2 under every design:
        // the observation holds under unpatched and brand-new-design and not under buddy-veto
        String scenario = SuiteReportTest.SCENARIO.replace(
                "expect: {buddy-veto: {breaches: {leak: 0}}, others: {breaches: {leak: 3}}}",
                "expect: {buddy-veto: {breaches: {leak: 0}}, others: {breaches: {leak: 3}}}\n"
                        + "    observe: {buddy-veto: {landed: [0, 0, 0]}, others: {landed: [2, 2, 2]}}");
        assertThat(scenario).contains("observe:");
        SuiteReport rep = SuiteReportTest.report(scenario);
        ReportDirectory.write(tmp.resolve("r"), rep);
        Page page = load(tmp.resolve("r/report.html"), tmp.resolve("profile"));
        assertThat(page.console()).as("console messages").isEmpty();
        String dom = page.dom();
        // the summary cells: obs:H/N per design
        assertThat(count(dom, "obs:1/1")).isEqualTo(2);
        assertThat(count(dom, "obs:0/1")).isEqualTo(1);
        // the outcome table's row and the observations table, one row with a cell per design
        assertThat(dom).contains("<td>observations</td>", "1/1 held", "0/1 held",
                "<summary>" + HtmlReport.esc(Comparison.OBSERVATIONS) + "</summary>");
        int obsTable = dom.indexOf("<summary>" + HtmlReport.esc(Comparison.OBSERVATIONS) + "</summary>");
        String table = dom.substring(obsTable, dom.indexOf("</table>", obsTable));
        assertThat(count(table, "<td>held</td>")).isEqualTo(2);
        assertThat(table).contains("saw [2, 2, 2]");
        // the observations table is sortable like the others: one more than without observe:
        int tables = 1 + rep.comparisons().stream().mapToInt(c -> 2 + c.sections().size()).sum();
        assertThat(count(dom, "<table class=\"sortable")).isEqualTo(tables);
        assertThat(rep.comparisons().get(0).sections()).anyMatch(sec -> sec.title().equals(Comparison.OBSERVATIONS));
    }

    @Test
    void the_console_check_catches_an_error_and_an_uncaught_exception(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.html");
        Files.writeString(bad, "<html><body><script>console.error('boom'); null.x;</script></body></html>");
        Page page = load(bad, tmp.resolve("profile"));
        List<String> console = new ArrayList<>(page.console());
        assertThat(console).hasSize(2);
        assertThat(console.get(0)).contains("\"boom\"");
        assertThat(console.get(1)).contains("Uncaught TypeError");
    }
}
