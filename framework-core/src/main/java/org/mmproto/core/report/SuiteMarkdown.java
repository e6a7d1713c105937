package org.mmproto.core.report;

/**
 * The Markdown report of a {@link SuiteReport}: the summary table (cells that differ from the
 * first design in bold), the legend, then each scenario's description and comparison.
 */
public final class SuiteMarkdown {
    private SuiteMarkdown() {
    }

    public static String render(SuiteReport r) {
        StringBuilder sb = new StringBuilder("# mmproto comparison: ").append(r.target()).append("\n\n");
        sb.append(r.comparisons().size()).append(" scenarios under ").append(String.join(", ", r.designs()))
                .append(".\n\n## summary\n\n");
        sb.append("| scenario | ").append(String.join(" | ", r.designs())).append(" | differ |\n|---|")
                .append("---|".repeat(r.designs().size() + 1)).append('\n');
        for (SuiteSummary.Row row : r.summary().rows()) {
            sb.append("| [").append(row.scenario()).append("](#").append(row.scenario()).append(')')
                    .append(row.passed() ? "" : " (expectations failed)");
            for (int i = 0; i < row.cells().size(); i++) {
                String t = "`" + row.cells().get(i).text() + "`";
                sb.append(" | ").append(row.differsFromFirst(i) ? "**" + t + "**" : t);
            }
            sb.append(" | ").append(row.differ() ? "*" : "").append(" |\n");
        }
        sb.append('\n').append(r.summary().heldEverythingLine()).append('\n');
        sb.append("\nLegend:\n\n");
        SuiteSummary.LEGEND.forEach(l -> sb.append("- `").append(l.substring(0, l.indexOf(' '))).append("` ")
                .append(l.substring(l.indexOf(' ')).strip()).append('\n'));
        r.notRun().forEach(f -> sb.append("\nnot run: `").append(f).append("`\n"));
        sb.append("\n**").append(r.verdict()).append("**\n");
        for (int i = 0; i < r.comparisons().size(); i++) {
            Comparison c = r.comparisons().get(i);
            String body = MarkdownReporter.comparison(c);
            int cut = body.indexOf("\n\n");
            String description = r.summary().rows().get(i).description().strip().replace("\n", " ");
            sb.append('\n').append(body, 0, cut + 2);
            if (!description.isEmpty()) {
                sb.append("> ").append(description).append("\n\n");
            }
            sb.append("charts (in report.html): ").append(r.charts().get(i).stream().map(Chart::title)
                    .map(t -> "\"" + t + "\"").reduce((a, b) -> a + ", " + b).orElse("none")).append("\n\n");
            sb.append(body.substring(cut + 2));
        }
        return sb.toString();
    }
}
