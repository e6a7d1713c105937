package org.mmproto.core.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One scenario run under several designs, side by side: the per-private-node invariants first,
 * then each step's outcome per design (rows where designs differ are marked), the hook
 * consultations per site, each design's footprint, vmstat changes and node usage. Rendered as a
 * terminal table, Markdown or JSON ({@code designs}: one `run` JSON object per design).
 */
public record Comparison(Scenario scenario, Map<String, RunReport> byDesign) {
    public Comparison {
        byDesign = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byDesign));
    }

    public boolean passed() {
        return byDesign.values().stream().allMatch(RunReport::passed);
    }

    private List<String> designs() {
        return List.copyOf(byDesign.keySet());
    }

    private static final List<String> BREACHES = List.of("leak", "escape", "unsafe write", "unnotified free");

    /** Step rows: line, op, outcome per design, and whether the outcomes differ. */
    private List<String[]> stepRows() {
        List<String[]> rows = new ArrayList<>();
        List<String> ds = designs();
        int n = byDesign.values().iterator().next().steps().size();
        for (int i = 0; i < n; i++) {
            String[] row = new String[ds.size() + 3];
            RunReport first = byDesign.get(ds.get(0));
            row[0] = String.valueOf(first.steps().get(i).line());
            row[1] = first.steps().get(i).op();
            Set<String> distinct = new LinkedHashSet<>();
            for (int d = 0; d < ds.size(); d++) {
                RunReport.StepResult st = byDesign.get(ds.get(d)).steps().get(i);
                String cell = st.result();
                Object landed = st.fields().get("landed");
                Object status = st.fields().get("status");
                if ("ok".equals(cell) && landed != null) {
                    cell += " " + brief(landed);
                } else if (status != null) {
                    cell += " " + brief(status);
                }
                row[d + 2] = cell;
                distinct.add(cell);
            }
            row[ds.size() + 2] = distinct.size() > 1 ? "*" : "";
            rows.add(row);
        }
        return rows;
    }

    /**
     * A short cell for a list: as is when short, else a count per value ("100x0"). Entries print
     * as the text report prints them: -ENAME for an errno, {@value #UNWRITTEN} for a move_pages
     * status entry the kernel did not write (it keeps whatever the caller put there).
     */
    private static String brief(Object list) {
        if (!(list instanceof List<?> l)) {
            return String.valueOf(list);
        }
        List<String> entries = new ArrayList<>();
        for (Object o : l) {
            entries.add(o == null ? UNWRITTEN : Expectations.describeActual(new Expectations.Field("status"), List.of(o))
                    .replaceAll("^\\[|\\]$", ""));
        }
        if (entries.size() <= 4) {
            return "[" + String.join(", ", entries) + "]";
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        entries.forEach(x -> counts.merge(x, 1, Integer::sum));
        StringBuilder sb = new StringBuilder("[");
        counts.forEach((v, n) -> sb.append(sb.length() > 1 ? ", " : "").append(n).append('x').append(v));
        return sb.append(']').toString();
    }

    static final String UNWRITTEN = "unwritten";
    private static final String UNWRITTEN_NOTE = "unwritten: a move_pages status entry the kernel did not"
            + " write (it keeps the caller's value)";

    private boolean anyUnwritten() {
        return stepRows().stream().anyMatch(r -> java.util.Arrays.stream(r).anyMatch(c -> c != null && c.contains(UNWRITTEN)));
    }

    /**
     * One titled table of the comparison. Text and Markdown render the same list of sections, so
     * neither format can leave one out.
     */
    private record Section(String title, String firstColumn, List<String[]> rows) {
    }

    /** The tables after the step table, in the order both formats print them. */
    private List<Section> sectionsAfterSteps() {
        List<String> ds = designs();
        List<Section> out = new ArrayList<>();
        Set<String> sites = new LinkedHashSet<>();
        byDesign.values().forEach(r -> sites.addAll(r.privacy().sites().keySet()));
        List<String[]> siteRows = new ArrayList<>();
        for (String site : sites) {
            String[] cells = new String[ds.size() + 1];
            cells[0] = site;
            for (int d = 0; d < ds.size(); d++) {
                PrivacyReport.SiteCount c = byDesign.get(ds.get(d)).privacy().sites().get(site);
                long hooks = c == null ? 0 : c.hooks().values().stream().mapToLong(PrivacyReport.HookCount::consulted).sum();
                cells[d + 1] = c == null ? "-" : c.consulted() + " [" + hooks + "]";
            }
            siteRows.add(cells);
        }
        out.add(new Section("dispatcher consultations per site (driver hook calls in brackets)", "site", siteRows));
        out.add(new Section("patch footprint (sites each design touched)", null, List.of()));
        Set<String> keys = new LinkedHashSet<>();
        byDesign.values().forEach(r -> r.vmstatDelta().forEach((k, v) -> {
            if (v != 0) {
                keys.add(k);
            }
        }));
        List<String[]> vmRows = new ArrayList<>();
        for (String k : keys) {
            String[] cells = new String[ds.size() + 1];
            cells[0] = k;
            for (int d = 0; d < ds.size(); d++) {
                cells[d + 1] = String.format("%+d", byDesign.get(ds.get(d)).vmstatDelta().get(k));
            }
            vmRows.add(cells);
        }
        out.add(new Section("vmstat changes", "counter", vmRows));
        List<String[]> nodeRows = new ArrayList<>();
        int nodes = byDesign.values().iterator().next().nodes().size();
        for (int nid = 0; nid < nodes; nid++) {
            String[] cells = new String[ds.size() + 1];
            RunReport.NodeUsage any = byDesign.values().iterator().next().nodes().get(nid);
            cells[0] = any.nid() + (any.isPrivate() ? " (private)" : "");
            for (int d = 0; d < ds.size(); d++) {
                RunReport.NodeUsage u = byDesign.get(ds.get(d)).nodes().get(nid);
                cells[d + 1] = u.usedPages() + String.format(" (%+d)", u.usedPagesDelta());
            }
            nodeRows.add(cells);
        }
        out.add(new Section("node usage at the end (pages in folios, change since boot)", "node", nodeRows));
        return out;
    }

    private List<String[]> invariantRows() {
        List<String> ds = designs();
        List<String[]> rows = new ArrayList<>();
        for (String kind : BREACHES) {
            String[] cells = new String[ds.size() + 1];
            cells[0] = kind;
            for (int d = 0; d < ds.size(); d++) {
                cells[d + 1] = String.valueOf(byDesign.get(ds.get(d)).privacy().count(kind));
            }
            rows.add(cells);
        }
        String[] checks = new String[ds.size() + 1];
        checks[0] = "mm invariants";
        String[] verdict = new String[ds.size() + 1];
        verdict[0] = "expectations";
        for (int d = 0; d < ds.size(); d++) {
            RunReport r = byDesign.get(ds.get(d));
            checks[d + 1] = r.invariants().isEmpty() ? "hold" : r.invariants().size() + " broken";
            verdict[d + 1] = r.failedExpectations() == 0 ? "pass" : r.failedExpectations() + " failed";
        }
        rows.add(checks);
        rows.add(verdict);
        return rows;
    }

    private List<String> failureLines() {
        List<String> out = new ArrayList<>();
        for (String d : designs()) {
            for (RunReport.ExpectationResult e : byDesign.get(d).expectations()) {
                if (!e.passed()) {
                    out.add(scenario.source() + ":" + e.line() + ": [" + d + "] " + e.detail());
                }
            }
        }
        return out;
    }

    private long breaches() {
        long n = 0;
        for (RunReport r : byDesign.values()) {
            for (String kind : BREACHES) {
                n += r.privacy().count(kind);
            }
        }
        return n;
    }

    /**
     * The closing verdict. {@link #passed()} is the exit status; it does not count privacy
     * breaches, so a run that held its expectations with breaches is not called PASS.
     */
    private String closingLine() {
        int n = designs().size();
        long breaches = breaches();
        long unexpected = byDesign.values().stream().mapToLong(r -> r.privacy().unexpected().size()).sum();
        String verdict = (passed() ? "PASS " : "FAIL ") + scenario.name() + " under " + n + " designs";
        if (breaches == 0) {
            return verdict;
        }
        // breaches are part of the verdict: expected ones are the designs' real answers, others fail it
        return verdict + ": " + breaches + " privacy breach" + (breaches == 1 ? "" : "es") + ", "
                + (unexpected == 0 ? "all expected by the scenario" : unexpected + " not expected") + " (see the invariants)";
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        List<String> ds = designs();
        sb.append("# compare ").append(scenario.name()).append(" (").append(scenario.source()).append(") under ")
                .append(String.join(", ", ds)).append('\n');
        int w = Math.max(16, ds.stream().mapToInt(String::length).max().orElse(10) + 2);
        String fmt = "%-22s" + ("%" + w + "s").repeat(ds.size()) + "%n";
        sb.append("\n## private-node invariants (breaches; 0 = held)\n");
        sb.append(String.format(fmt, header("invariant", ds)));
        invariantRows().forEach(r -> sb.append(String.format(fmt, (Object[]) r)));

        sb.append("\n## steps (* = the designs differ)\n");
        String sfmt = "%5s %-16s" + ("%" + w + "s").repeat(ds.size()) + " %s%n";
        Object[] h = new Object[ds.size() + 3];
        h[0] = "line";
        h[1] = "op";
        for (int d = 0; d < ds.size(); d++) {
            h[d + 2] = ds.get(d);
        }
        h[ds.size() + 2] = "";
        sb.append(String.format(sfmt, h));
        for (String[] row : stepRows()) {
            sb.append(String.format(sfmt, (Object[]) row));
        }
        if (anyUnwritten()) {
            sb.append(UNWRITTEN_NOTE).append('\n');
        }
        for (Section sec : sectionsAfterSteps()) {
            sb.append("\n## ").append(sec.title()).append('\n');
            if (sec.firstColumn() == null) {
                for (String d : ds) {
                    sb.append(String.format("  %-16s %d: %s%n", d, byDesign.get(d).privacy().footprint().size(),
                            String.join(", ", byDesign.get(d).privacy().footprint())));
                }
                continue;
            }
            sb.append(String.format(fmt, header(sec.firstColumn(), ds)));
            sec.rows().forEach(r -> sb.append(String.format(fmt, (Object[]) r)));
        }
        sb.append('\n');
        failureLines().forEach(l -> sb.append(l).append('\n'));
        sb.append(closingLine()).append('\n');
        return sb.toString();
    }

    private static Object[] header(String first, List<String> ds) {
        Object[] h = new Object[ds.size() + 1];
        h[0] = first;
        for (int d = 0; d < ds.size(); d++) {
            h[d + 1] = ds.get(d);
        }
        return h;
    }

    /** The same sections as {@link #text()}, as GitHub Markdown tables. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        List<String> ds = designs();
        sb.append("## ").append(scenario.name()).append("\n\n");
        sb.append("`").append(scenario.source()).append("` under ").append(String.join(", ", ds)).append("\n\n");
        sb.append("### private-node invariants (breaches; 0 = held)\n\n");
        mdTable(sb, "invariant", ds, invariantRows());
        sb.append("\n### steps (* = the designs differ)\n\n");
        sb.append("| line | op | ").append(String.join(" | ", ds)).append(" | differ |\n|---|---|")
                .append("---|".repeat(ds.size() + 1)).append('\n');
        for (String[] row : stepRows()) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        if (anyUnwritten()) {
            sb.append('\n').append(UNWRITTEN_NOTE).append('\n');
        }
        for (Section sec : sectionsAfterSteps()) {
            sb.append("\n### ").append(sec.title()).append("\n\n");
            if (sec.firstColumn() == null) {
                sb.append("| design | sites | footprint |\n|---|---|---|\n");
                for (String d : ds) {
                    sb.append("| ").append(d).append(" | ").append(byDesign.get(d).privacy().footprint().size())
                            .append(" | ").append(String.join(", ", byDesign.get(d).privacy().footprint())).append(" |\n");
                }
                continue;
            }
            mdTable(sb, sec.firstColumn(), ds, sec.rows());
        }
        List<String> failures = failureLines();
        if (!failures.isEmpty()) {
            sb.append('\n');
            failures.forEach(l -> sb.append("- `").append(l).append("`\n"));
        }
        sb.append("\n**").append(closingLine()).append("**\n");
        return sb.toString();
    }

    private static void mdTable(StringBuilder sb, String first, List<String> ds, List<String[]> rows) {
        sb.append("| ").append(first).append(" | ").append(String.join(" | ", ds)).append(" |\n|---|")
                .append("---|".repeat(ds.size())).append('\n');
        for (String[] r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
    }

    /** {"scenario": ..., "passed": ..., "designs": {name: run-JSON}}. */
    public ObjectNode json() {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("scenario", scenario.name());
        root.put("file", scenario.source());
        root.put("passed", passed());
        ObjectNode designs = root.putObject("designs");
        byDesign.forEach((d, r) -> designs.set(d, JsonReport.tree(r)));
        ArrayNode differ = root.putArray("differing_lines");
        for (String[] row : stepRows()) {
            if (Objects.equals(row[row.length - 1], "*")) {
                differ.add(Integer.parseInt(row[0]));
            }
        }
        return root;
    }
}
