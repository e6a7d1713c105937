package org.mmproto.core.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.PrivacyReport;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.Scenario;

/**
 * One scenario run under several designs, as the reporters see it: the per-private-node
 * invariants, each step's outcome per design (and whether the designs differ), the tables after
 * the steps (hook consultations per site, each design's footprint, vmstat changes, node usage),
 * the failed expectations and the verdict. Computed once by {@link #of}; rendering is the
 * reporters' business.
 *
 * @param runs       each design's run, in the order compared
 * @param invariants one row per breach kind, then mm invariants and expectations
 * @param steps      one row per step, in scenario order
 * @param sections   the tables after the step table, in the order every format prints them
 * @param failures   each failed expectation as {@code file:line: [design] detail}
 * @param verdict    the closing line ({@code PASS|FAIL name under N designs[: breaches]})
 */
public record Comparison(String scenario, String source, Map<String, RunReport> runs, List<Row> invariants,
                         List<StepRow> steps, List<Section> sections, List<String> failures, String verdict) {
    /** A move_pages status entry the kernel did not write, as a cell shows it. */
    public static final String UNWRITTEN = "unwritten";
    /** The note under a step table that shows {@link #UNWRITTEN}. */
    public static final String UNWRITTEN_NOTE = "unwritten: a move_pages status entry the kernel did not"
            + " write (it keeps the caller's value)";

    private static final List<String> BREACHES = List.of("leak", "escape", "unsafe write", "unnotified free");

    public Comparison {
        runs = Collections.unmodifiableMap(new LinkedHashMap<>(runs));
        invariants = List.copyOf(invariants);
        steps = List.copyOf(steps);
        sections = List.copyOf(sections);
        failures = List.copyOf(failures);
    }

    /** A table row: its first column, then one cell per design. */
    public record Row(String first, List<String> cells) {
        public Row {
            cells = List.copyOf(cells);
        }
    }

    /** One step: its line and op, its outcome under each design, whether the outcomes differ. */
    public record StepRow(int line, String op, List<String> cells, boolean differ) {
        public StepRow {
            cells = List.copyOf(cells);
        }
    }

    /** A titled part of the comparison after the step table. */
    public sealed interface Section permits Table, Footprints {
        String title();
    }

    /** A table with one column per design. */
    public record Table(String title, String firstColumn, List<Row> rows) implements Section {
        public Table {
            rows = List.copyOf(rows);
        }
    }

    /** The sites each design touched (its patch footprint), by design. */
    public record Footprints(String title, Map<String, List<String>> byDesign) implements Section {
        public Footprints {
            byDesign = Collections.unmodifiableMap(new LinkedHashMap<>(byDesign));
        }
    }

    /** Compares the runs of {@code scenario}, one per design (in the order given). */
    public static Comparison of(Scenario scenario, Map<String, RunReport> runs) {
        List<String> ds = List.copyOf(runs.keySet());
        return new Comparison(scenario.name(), scenario.source(), runs, invariantRows(ds, runs), stepRows(ds, runs),
                sections(ds, runs), failureLines(scenario.source(), ds, runs), closingLine(scenario.name(), runs));
    }

    /** The designs, in the order compared. */
    public List<String> designs() {
        return List.copyOf(runs.keySet());
    }

    /** Every run held its expectations (the exit status; privacy breaches are in the verdict). */
    public boolean passed() {
        return passed(runs);
    }

    /** The lines of the steps whose outcome differs between the designs. */
    public List<Integer> differingLines() {
        return steps.stream().filter(StepRow::differ).map(StepRow::line).toList();
    }

    /** Some step cell shows {@link #UNWRITTEN}: the step table needs its note. */
    public boolean anyUnwritten() {
        return steps.stream().anyMatch(r -> r.op().contains(UNWRITTEN)
                || r.cells().stream().anyMatch(c -> c != null && c.contains(UNWRITTEN)));
    }

    private static boolean passed(Map<String, RunReport> runs) {
        return runs.values().stream().allMatch(RunReport::passed);
    }

    private static List<StepRow> stepRows(List<String> ds, Map<String, RunReport> runs) {
        List<StepRow> rows = new ArrayList<>();
        RunReport first = runs.get(ds.get(0));
        int n = runs.values().iterator().next().steps().size();
        for (int i = 0; i < n; i++) {
            List<String> cells = new ArrayList<>();
            for (String d : ds) {
                RunReport.StepResult st = runs.get(d).steps().get(i);
                String cell = st.result();
                Object landed = st.fields().get("landed");
                Object status = st.fields().get("status");
                if ("ok".equals(cell) && landed != null) {
                    cell += " " + brief(landed);
                } else if (status != null) {
                    cell += " " + brief(status);
                }
                cells.add(cell);
            }
            boolean differ = new LinkedHashSet<>(cells).size() > 1;
            rows.add(new StepRow(first.steps().get(i).line(), first.steps().get(i).op(), cells, differ));
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

    private static List<Section> sections(List<String> ds, Map<String, RunReport> runs) {
        List<Section> out = new ArrayList<>();
        observations(ds, runs).ifPresent(out::add);
        Set<String> sites = new LinkedHashSet<>();
        runs.values().forEach(r -> sites.addAll(r.privacy().sites().keySet()));
        List<Row> siteRows = new ArrayList<>();
        for (String site : sites) {
            List<String> cells = new ArrayList<>();
            for (String d : ds) {
                PrivacyReport.SiteCount c = runs.get(d).privacy().sites().get(site);
                long hooks = c == null ? 0 : c.hooks().values().stream().mapToLong(PrivacyReport.HookCount::consulted).sum();
                cells.add(c == null ? "-" : c.consulted() + " [" + hooks + "]");
            }
            siteRows.add(new Row(site, cells));
        }
        out.add(new Table("dispatcher consultations per site (driver hook calls in brackets)", "site", siteRows));
        Map<String, List<String>> footprints = new LinkedHashMap<>();
        ds.forEach(d -> footprints.put(d, runs.get(d).privacy().footprint()));
        out.add(new Footprints("patch footprint (sites each design touched)", footprints));
        Set<String> keys = new LinkedHashSet<>();
        runs.values().forEach(r -> r.vmstatDelta().forEach((k, v) -> {
            if (v != 0) {
                keys.add(k);
            }
        }));
        List<Row> vmRows = new ArrayList<>();
        for (String k : keys) {
            List<String> cells = new ArrayList<>();
            for (String d : ds) {
                cells.add(String.format("%+d", runs.get(d).vmstatDelta().get(k)));
            }
            vmRows.add(new Row(k, cells));
        }
        out.add(new Table("vmstat changes", "counter", vmRows));
        List<Row> nodeRows = new ArrayList<>();
        int nodes = runs.values().iterator().next().nodes().size();
        for (int nid = 0; nid < nodes; nid++) {
            RunReport.NodeUsage any = runs.values().iterator().next().nodes().get(nid);
            List<String> cells = new ArrayList<>();
            for (String d : ds) {
                RunReport.NodeUsage u = runs.get(d).nodes().get(nid);
                cells.add(u.usedPages() + String.format(" (%+d)", u.usedPagesDelta()));
            }
            nodeRows.add(new Row(any.nid() + (any.isPrivate() ? " (private)" : ""), cells));
        }
        out.add(new Table("node usage at the end (pages in folios, change since boot)", "node", nodeRows));
        return out;
    }

    /** Title of the observations table (every format prints it; tests and docs name it). */
    public static final String OBSERVATIONS = "observations (observe:, never a failure): held or the value seen";

    /**
     * The {@code observe:} items, one row per line and probe and expected value, a cell per design:
     * {@code held}, {@code saw ACTUAL}, or {@code -} where the design observes nothing there.
     */
    private static java.util.Optional<Section> observations(List<String> ds, Map<String, RunReport> runs) {
        Map<String, Map<String, String>> rows = new java.util.TreeMap<>(Comparison::byLine);
        for (String d : ds) {
            for (RunReport.ExpectationResult o : runs.get(d).observations()) {
                String key = o.line() + ": " + o.what() + " " + o.expected();
                rows.computeIfAbsent(key, x -> new LinkedHashMap<>()).put(d, o.passed() ? "held" : "saw " + o.actual());
            }
        }
        if (rows.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<Row> out = new ArrayList<>();
        rows.forEach((k, cells) -> out.add(new Row(k, ds.stream().map(d -> cells.getOrDefault(d, "-")).toList())));
        return java.util.Optional.of(new Table(OBSERVATIONS, "line: observed", out));
    }

    /** Rows {@code "LINE: ..."} by line number, then text. */
    private static int byLine(String a, String b) {
        int la = Integer.parseInt(a.substring(0, a.indexOf(':')));
        int lb = Integer.parseInt(b.substring(0, b.indexOf(':')));
        return la != lb ? Integer.compare(la, lb) : a.compareTo(b);
    }

    private static List<Row> invariantRows(List<String> ds, Map<String, RunReport> runs) {
        List<Row> rows = new ArrayList<>();
        for (String kind : BREACHES) {
            rows.add(new Row(kind, ds.stream().map(d -> String.valueOf(runs.get(d).privacy().count(kind))).toList()));
        }
        List<String> checks = new ArrayList<>();
        List<String> verdict = new ArrayList<>();
        for (String d : ds) {
            RunReport r = runs.get(d);
            checks.add(r.invariants().isEmpty() ? "hold" : r.invariants().size() + " broken");
            verdict.add(r.failedExpectations() == 0 ? "pass" : r.failedExpectations() + " failed");
        }
        rows.add(new Row("mm invariants", checks));
        rows.add(new Row("expectations", verdict));
        if (runs.values().stream().anyMatch(r -> !r.observations().isEmpty())) {
            rows.add(new Row("observations", ds.stream().map(d -> {
                RunReport r = runs.get(d);
                return r.observations().isEmpty() ? "-"
                        : (r.observations().size() - r.observationsDiffering()) + "/" + r.observations().size() + " held";
            }).toList()));
        }
        return rows;
    }

    private static List<String> failureLines(String source, List<String> ds, Map<String, RunReport> runs) {
        List<String> out = new ArrayList<>();
        for (String d : ds) {
            for (RunReport.ExpectationResult e : runs.get(d).expectations()) {
                if (!e.passed()) {
                    out.add(source + ":" + e.line() + ": [" + d + "] " + e.detail());
                }
            }
        }
        return out;
    }

    /**
     * The closing verdict. {@link #passed()} is the exit status; it does not count privacy
     * breaches, so a run that held its expectations with breaches is not called PASS.
     */
    private static String closingLine(String scenario, Map<String, RunReport> runs) {
        int n = runs.size();
        long breaches = 0;
        for (RunReport r : runs.values()) {
            for (String kind : BREACHES) {
                breaches += r.privacy().count(kind);
            }
        }
        long unexpected = runs.values().stream().mapToLong(r -> r.privacy().unexpected().size()).sum();
        String verdict = (passed(runs) ? "PASS " : "FAIL ") + scenario + " under " + n + " designs";
        if (breaches == 0) {
            return verdict;
        }
        // breaches are part of the verdict: expected ones are the designs' real answers, others fail it
        return verdict + ": " + breaches + " privacy breach" + (breaches == 1 ? "" : "es") + ", "
                + (unexpected == 0 ? "all expected by the scenario" : unexpected + " not expected") + " (see the invariants)";
    }
}
