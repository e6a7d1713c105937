package org.mmproto.core.report;

import java.io.PrintStream;
import java.util.List;
import org.mmproto.core.scenario.Scenario;

/**
 * {@code compare --format markdown}: the sections of the text comparison as GitHub Markdown
 * tables, for pasting into a mail or an issue. A single run has no Markdown report.
 */
public final class MarkdownReporter implements Reporter {
    @Override
    public String format() {
        return "markdown";
    }

    @Override
    public boolean reportsRuns() {
        return false;
    }

    @Override
    public RunOutput openRun(Scenario scenario, boolean onlyFailingSteps, PrintStream out) {
        throw new UnsupportedOperationException("run has no markdown report");
    }

    @Override
    public ComparisonOutput openComparisons(int scenarios, PrintStream out) {
        return c -> out.print(comparison(c) + "\n");
    }

    /** The same sections as {@link TextReporter#comparison}, as GitHub Markdown tables. */
    public static String comparison(Comparison c) {
        StringBuilder sb = new StringBuilder();
        List<String> ds = c.designs();
        sb.append("## ").append(c.scenario()).append("\n\n");
        sb.append("`").append(c.source()).append("` under ").append(String.join(", ", ds)).append("\n\n");
        sb.append("### private-node invariants (breaches; 0 = held)\n\n");
        table(sb, "invariant", ds, c.invariants());
        sb.append("\n### steps (* = the designs differ)\n\n");
        sb.append("| line | op | ").append(String.join(" | ", ds)).append(" | differ |\n|---|---|")
                .append("---|".repeat(ds.size() + 1)).append('\n');
        for (Comparison.StepRow r : c.steps()) {
            sb.append("| ").append(r.line()).append(" | ").append(r.op()).append(" | ").append(String.join(" | ", r.cells()))
                    .append(" | ").append(r.differ() ? "*" : "").append(" |\n");
        }
        if (c.anyUnwritten()) {
            sb.append('\n').append(Comparison.UNWRITTEN_NOTE).append('\n');
        }
        for (Comparison.Section sec : c.sections()) {
            sb.append("\n### ").append(sec.title()).append("\n\n");
            if (sec instanceof Comparison.Footprints f) {
                sb.append("| design | sites | footprint |\n|---|---|---|\n");
                f.byDesign().forEach((d, sites) -> sb.append("| ").append(d).append(" | ").append(sites.size())
                        .append(" | ").append(String.join(", ", sites)).append(" |\n"));
            } else if (sec instanceof Comparison.Table t) {
                table(sb, t.firstColumn(), ds, t.rows());
            }
        }
        if (!c.failures().isEmpty()) {
            sb.append('\n');
            c.failures().forEach(l -> sb.append("- `").append(l).append("`\n"));
        }
        sb.append("\n**").append(c.verdict()).append("**\n");
        return sb.toString();
    }

    private static void table(StringBuilder sb, String first, List<String> ds, List<Comparison.Row> rows) {
        sb.append("| ").append(first).append(" | ").append(String.join(" | ", ds)).append(" |\n|---|")
                .append("---|".repeat(ds.size())).append('\n');
        for (Comparison.Row r : rows) {
            sb.append("| ").append(r.first()).append(" | ").append(String.join(" | ", r.cells())).append(" |\n");
        }
    }
}
