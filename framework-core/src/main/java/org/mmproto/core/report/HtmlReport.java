package org.mmproto.core.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

/**
 * {@code report.html}: one self-contained page (no network: uPlot, the styles and the chart data
 * are inlined) with the summary table, the legend and, per scenario, its description, each
 * design's outcome, the step and count tables and the charts. Every table sorts by a click on a
 * column head; a cell that differs from the first design's is marked {@code differ}. The page's
 * script draws each chart of the embedded data and then sets {@code data-charts-rendered} on the
 * body to the number it drew.
 */
public final class HtmlReport {
    private static final String UPLOT = "META-INF/resources/webjars/uplot/";

    private HtmlReport() {
    }

    public static String render(SuiteReport r) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>mmproto: ")
                .append(esc(r.target())).append("</title>\n<style>\n").append(uplot("dist/uPlot.min.css"))
                .append('\n').append(resource("report.css")).append("</style>\n</head>\n<body data-charts=\"")
                .append(r.chartCount()).append("\">\n");
        sb.append("<h1>mmproto comparison: ").append(esc(r.target())).append("</h1>\n<p class=\"verdict ")
                .append(r.passed() ? "pass" : "fail").append("\">").append(esc(r.verdict())).append("</p>\n");
        summary(sb, r);
        for (int i = 0; i < r.comparisons().size(); i++) {
            scenario(sb, r, i);
        }
        sb.append("<script type=\"application/json\" id=\"mmproto-charts\">").append(SuiteJson.chartsForPage(r))
                .append("</script>\n<script>\n").append(uplot("dist/uPlot.iife.min.js")).append("\n</script>\n<script>\n")
                .append(resource("report.js")).append("</script>\n</body></html>\n");
        return sb.toString();
    }

    private static void summary(StringBuilder sb, SuiteReport r) {
        sb.append("<h2 id=\"summary\">summary</h2>\n<table class=\"sortable summary\" id=\"summary-table\"><thead><tr>")
                .append("<th>scenario</th>");
        r.designs().forEach(d -> sb.append("<th>").append(esc(d)).append("</th>"));
        sb.append("<th>differ</th></tr></thead><tbody>\n");
        for (SuiteSummary.Row row : r.summary().rows()) {
            sb.append("<tr").append(row.passed() ? "" : " class=\"failed\"").append("><td><a href=\"#sc-")
                    .append(esc(row.scenario())).append("\">").append(esc(row.scenario())).append("</a></td>");
            for (int i = 0; i < row.cells().size(); i++) {
                SuiteSummary.Cell c = row.cells().get(i);
                String cls = (c.held() ? "held" : "broken") + (c.failed() > 0 ? " expfail" : "")
                        + (row.differsFromFirst(i) ? " differ" : "");
                sb.append("<td class=\"").append(cls).append("\" title=\"sites touched: ")
                        .append(esc(String.join(", ", c.sitesTouched()))).append("\">").append(esc(c.text())).append("</td>");
            }
            sb.append("<td>").append(row.differ() ? "*" : "").append("</td></tr>\n");
        }
        sb.append("</tbody><tfoot><tr class=\"held-everything\"><td>held everything (expectations and observations)</td>");
        java.util.List<Integer> held = r.summary().heldEverything();
        held.forEach(n -> sb.append("<td>").append(n).append('/').append(r.summary().rows().size()).append("</td>"));
        sb.append("<td></td></tr></tfoot></table>\n<ul class=\"legend\">\n");
        SuiteSummary.LEGEND.forEach(l -> sb.append("<li><code>").append(esc(l.substring(0, l.indexOf(' '))))
                .append("</code> ").append(esc(l.substring(l.indexOf(' ')).strip())).append("</li>\n"));
        sb.append("<li><span class=\"differ swatch\">marked</span> the outcome differs from the first design's"
                + " (hook calls and sites touched not compared);"
                + " <span class=\"broken swatch\">red</span> an invariant broke</li>\n</ul>\n");
        r.notRun().forEach(f -> sb.append("<p class=\"fail\">not run: ").append(esc(f)).append("</p>\n"));
    }

    private static void scenario(StringBuilder sb, SuiteReport r, int i) {
        Comparison c = r.comparisons().get(i);
        List<String> ds = c.designs();
        SuiteSummary.Row row = r.summary().rows().get(i);
        sb.append("<section class=\"scenario\" id=\"sc-").append(esc(c.scenario())).append("\">\n<h2>")
                .append(esc(c.scenario())).append(" <small>").append(esc(c.source())).append("</small></h2>\n");
        if (!row.description().isBlank()) {
            sb.append("<p class=\"description\">").append(esc(row.description().strip())).append("</p>\n");
        }
        sb.append("<p class=\"verdict ").append(c.passed() ? "pass" : "fail").append("\">").append(esc(c.verdict()))
                .append("</p>\n");
        sb.append("<h3>outcome per design</h3>\n");
        table(sb, "invariant", ds, c.invariants());
        if (!c.failures().isEmpty()) {
            sb.append("<ul class=\"failures\">\n");
            c.failures().forEach(f -> sb.append("<li><code>").append(esc(f)).append("</code></li>\n"));
            sb.append("</ul>\n");
        }
        sb.append("<h3>charts</h3>\n<div class=\"charts\">\n");
        for (int k = 0; k < r.charts().get(i).size(); k++) {
            sb.append("<figure class=\"chart\" data-scenario=\"").append(i).append("\" data-chart=\"").append(k)
                    .append("\"><figcaption>").append(esc(r.charts().get(i).get(k).title())).append("</figcaption></figure>\n");
        }
        sb.append("</div>\n<details><summary>steps (").append(c.steps().size()).append("; ")
                .append(c.differingLines().size()).append(" differ)</summary>\n<table class=\"sortable steps\"><thead><tr>")
                .append("<th>line</th><th>op</th>");
        ds.forEach(d -> sb.append("<th>").append(esc(d)).append("</th>"));
        sb.append("<th>differ</th></tr></thead><tbody>\n");
        for (Comparison.StepRow st : c.steps()) {
            sb.append("<tr><td>").append(st.line()).append("</td><td>").append(esc(st.op())).append("</td>");
            for (String cell : st.cells()) {
                boolean differ = !cell.equals(st.cells().get(0));
                sb.append("<td").append(differ ? " class=\"differ\"" : "").append('>').append(esc(cell)).append("</td>");
            }
            sb.append("<td>").append(st.differ() ? "*" : "").append("</td></tr>\n");
        }
        sb.append("</tbody></table>\n</details>\n");
        for (Comparison.Section sec : c.sections()) {
            sb.append("<details><summary>").append(esc(sec.title())).append("</summary>\n");
            if (sec instanceof Comparison.Footprints f) {
                sb.append("<table class=\"sortable\"><thead><tr><th>design</th><th>sites</th><th>footprint</th></tr></thead><tbody>\n");
                f.byDesign().forEach((d, sites) -> sb.append("<tr><td>").append(esc(d)).append("</td><td>").append(sites.size())
                        .append("</td><td>").append(esc(String.join(", ", sites))).append("</td></tr>\n"));
                sb.append("</tbody></table>\n");
            } else if (sec instanceof Comparison.Table t) {
                table(sb, t.firstColumn(), ds, t.rows());
            }
            sb.append("</details>\n");
        }
        sb.append("</section>\n");
    }

    private static void table(StringBuilder sb, String first, List<String> ds, List<Comparison.Row> rows) {
        sb.append("<table class=\"sortable\"><thead><tr><th>").append(esc(first)).append("</th>");
        ds.forEach(d -> sb.append("<th>").append(esc(d)).append("</th>"));
        sb.append("</tr></thead><tbody>\n");
        for (Comparison.Row row : rows) {
            sb.append("<tr><td>").append(esc(row.first())).append("</td>");
            for (String cell : row.cells()) {
                boolean differ = !cell.equals(row.cells().get(0));
                sb.append("<td").append(differ ? " class=\"differ\"" : "").append('>').append(esc(cell)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody></table>\n");
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }

    /** A file of the uPlot webjar on the class path, of the version the build put there. */
    private static String uplot(String path) {
        Properties p = new Properties();
        try (InputStream in = stream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return read(UPLOT + p.getProperty("version") + "/" + path);
    }

    private static String resource(String name) {
        return read("org/mmproto/core/report/" + name);
    }

    private static String read(String path) {
        try (InputStream in = stream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream stream(String path) {
        InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("the report needs " + path + " on the class path (a build without it?)");
        }
        return in;
    }
}
