package org.mmproto.core.report;

import java.util.ArrayList;
import java.util.List;

/** The terminal summary of a {@link SuiteReport}: scenario x design cells, the legend, the verdict. */
public final class SuiteText {
    private SuiteText() {
    }

    public static String render(SuiteReport r) {
        SuiteSummary s = r.summary();
        List<String> header = new ArrayList<>();
        header.add("scenario");
        header.addAll(s.designs());
        List<List<String>> rows = new ArrayList<>();
        for (SuiteSummary.Row row : s.rows()) {
            List<String> cells = new ArrayList<>();
            cells.add((row.passed() ? "" : "!") + row.scenario() + (row.differ() ? " *" : ""));
            row.cells().forEach(c -> cells.add(c.compactText()));
            rows.add(cells);
        }
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> row : rows) {
                w[i] = Math.max(w[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# compare ").append(r.target()).append(": ").append(r.comparisons().size()).append(" scenario")
                .append(r.comparisons().size() == 1 ? "" : "s").append(" under ").append(String.join(", ", r.designs()))
                .append('\n');
        line(sb, header, w);
        rows.forEach(row -> line(sb, row, w));
        sb.append(s.heldEverythingLine()).append('\n');
        stats(sb, s);
        sb.append("\n# legend (a cell is: invariants, then d/e/p/h/s; ! = an expectation failed; the driver statistics"
                + " on which the designs disagree are listed per scenario below the table)\n");
        SuiteSummary.LEGEND.forEach(l -> sb.append("  ").append(l).append('\n'));
        r.comparisons().forEach(c -> c.failures().forEach(f -> sb.append(f).append('\n')));
        r.notRun().forEach(f -> sb.append("not run: ").append(f).append('\n'));
        sb.append(r.verdict()).append('\n');
        return sb.toString();
    }

    /** Below the table: per scenario, the driver statistics on which the designs disagree, per design. */
    private static void stats(StringBuilder sb, SuiteSummary s) {
        boolean header = false;
        for (SuiteSummary.Row row : s.rows()) {
            java.util.Set<String> shown = row.cells().isEmpty() ? java.util.Set.of() : row.cells().get(0).shownStats();
            if (shown.isEmpty()) {
                continue;
            }
            if (!header) {
                sb.append("\n# driver statistics on which the designs disagree (nN.name=V, latest value)\n");
                header = true;
            }
            sb.append(row.scenario()).append(":\n");
            for (int i = 0; i < s.designs().size(); i++) {
                SuiteSummary.Cell c = row.cells().get(i);
                StringBuilder l = new StringBuilder("  ").append(s.designs().get(i)).append(':');
                c.driverStats().forEach((k, v) -> {
                    if (shown.contains(k)) {
                        l.append(' ').append(k).append('=').append(v);
                    }
                });
                shown.stream().filter(k -> !c.driverStats().containsKey(k)).sorted()
                        .forEach(k -> l.append(' ').append(k).append("=-"));
                sb.append(l).append('\n');
            }
        }
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            l.append(i == 0 ? "" : "  ").append(String.format("%-" + w[i] + "s", cells.get(i)));
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
