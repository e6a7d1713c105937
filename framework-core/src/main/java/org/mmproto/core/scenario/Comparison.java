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

    /** A short cell for a list: as is when short, else a count per value ("100x0"). */
    private static String brief(Object list) {
        if (!(list instanceof List<?> l) || l.size() <= 4) {
            return String.valueOf(list);
        }
        Map<Object, Integer> counts = new LinkedHashMap<>();
        l.forEach(x -> counts.merge(x, 1, Integer::sum));
        StringBuilder sb = new StringBuilder("[");
        counts.forEach((v, n) -> sb.append(sb.length() > 1 ? ", " : "").append(n).append('x').append(v));
        return sb.append(']').toString();
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
        for (String kind : BREACHES) {
            Object[] cells = new Object[ds.size() + 1];
            cells[0] = kind;
            for (int d = 0; d < ds.size(); d++) {
                cells[d + 1] = String.valueOf(byDesign.get(ds.get(d)).privacy().count(kind));
            }
            sb.append(String.format(fmt, cells));
        }
        Object[] checks = new Object[ds.size() + 1];
        checks[0] = "mm invariants";
        Object[] verdict = new Object[ds.size() + 1];
        verdict[0] = "expectations";
        for (int d = 0; d < ds.size(); d++) {
            RunReport r = byDesign.get(ds.get(d));
            checks[d + 1] = r.invariants().isEmpty() ? "hold" : r.invariants().size() + " broken";
            verdict[d + 1] = r.failedExpectations() == 0 ? "pass" : r.failedExpectations() + " failed";
        }
        sb.append(String.format(fmt, checks)).append(String.format(fmt, verdict));

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

        sb.append("\n## dispatcher consultations per site (driver hook calls in brackets)\n");
        Set<String> sites = new LinkedHashSet<>();
        byDesign.values().forEach(r -> sites.addAll(r.privacy().sites().keySet()));
        sb.append(String.format(fmt, header("site", ds)));
        for (String site : sites) {
            Object[] cells = new Object[ds.size() + 1];
            cells[0] = site;
            for (int d = 0; d < ds.size(); d++) {
                PrivacyReport.SiteCount c = byDesign.get(ds.get(d)).privacy().sites().get(site);
                long hooks = c == null ? 0 : c.hooks().values().stream().mapToLong(PrivacyReport.HookCount::consulted).sum();
                cells[d + 1] = c == null ? "-" : c.consulted() + " [" + hooks + "]";
            }
            sb.append(String.format(fmt, cells));
        }
        sb.append("\n## patch footprint (sites each design touched)\n");
        for (String d : ds) {
            sb.append(String.format("  %-16s %d: %s%n", d, byDesign.get(d).privacy().footprint().size(),
                    String.join(", ", byDesign.get(d).privacy().footprint())));
        }
        sb.append("\n## vmstat changes\n");
        Set<String> keys = new LinkedHashSet<>();
        byDesign.values().forEach(r -> r.vmstatDelta().forEach((k, v) -> {
            if (v != 0) {
                keys.add(k);
            }
        }));
        sb.append(String.format(fmt, header("counter", ds)));
        for (String k : keys) {
            Object[] cells = new Object[ds.size() + 1];
            cells[0] = k;
            for (int d = 0; d < ds.size(); d++) {
                cells[d + 1] = String.format("%+d", byDesign.get(ds.get(d)).vmstatDelta().get(k));
            }
            sb.append(String.format(fmt, cells));
        }
        sb.append("\n## node usage at the end (pages in folios, change since boot)\n");
        sb.append(String.format(fmt, header("node", ds)));
        int nodes = byDesign.values().iterator().next().nodes().size();
        for (int nid = 0; nid < nodes; nid++) {
            Object[] cells = new Object[ds.size() + 1];
            RunReport.NodeUsage any = byDesign.values().iterator().next().nodes().get(nid);
            cells[0] = nid + (any.isPrivate() ? " (private)" : "");
            for (int d = 0; d < ds.size(); d++) {
                RunReport.NodeUsage u = byDesign.get(ds.get(d)).nodes().get(nid);
                cells[d + 1] = u.usedPages() + String.format(" (%+d)", u.usedPagesDelta());
            }
            sb.append(String.format(fmt, cells));
        }
        sb.append('\n');
        for (String d : ds) {
            RunReport r = byDesign.get(d);
            for (RunReport.ExpectationResult e : r.expectations()) {
                if (!e.passed()) {
                    sb.append(scenario.source()).append(':').append(e.line()).append(": [").append(d).append("] ")
                            .append(e.detail()).append('\n');
                }
            }
        }
        sb.append(passed() ? "PASS " : "FAIL ").append(scenario.name()).append(" under ").append(ds.size()).append(" designs\n");
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

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        List<String> ds = designs();
        sb.append("## ").append(scenario.name()).append("\n\n");
        sb.append("| invariant | ").append(String.join(" | ", ds)).append(" |\n|---|").append("---|".repeat(ds.size())).append('\n');
        for (String kind : BREACHES) {
            sb.append("| ").append(kind).append(" |");
            for (String d : ds) {
                sb.append(' ').append(byDesign.get(d).privacy().count(kind)).append(" |");
            }
            sb.append('\n');
        }
        sb.append("\n| line | op | ").append(String.join(" | ", ds)).append(" | differ |\n|---|---|")
                .append("---|".repeat(ds.size() + 1)).append('\n');
        for (String[] row : stepRows()) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        sb.append("\n| design | footprint |\n|---|---|\n");
        for (String d : ds) {
            sb.append("| ").append(d).append(" | ").append(String.join(", ", byDesign.get(d).privacy().footprint())).append(" |\n");
        }
        return sb.toString();
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
