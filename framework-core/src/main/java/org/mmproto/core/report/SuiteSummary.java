package org.mmproto.core.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mmproto.core.scenario.PrivacyReport;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.Timeline;

/**
 * The report's first table: one row per scenario, one cell per design, each cell what the run
 * counted (breaches and engine invariants, denials, ENOMEMs, hook calls, sites touched, the
 * statistics the drivers reported). Every format renders these same cells; {@link #LEGEND} explains
 * the compact text form.
 */
public record SuiteSummary(List<String> designs, List<Row> rows) {
    /** The compact cell's parts, in the order the legend gives them. */
    public static final List<String> LEGEND = List.of(
            "ok        every invariant held: no leak, escape, unsafe write or unnotified free, DebugVm clean",
            "leak:N    N leaks (esc: escapes, wr: unsafe writes, free: unnotified frees, mm: DebugVm violations)",
            "FAIL:N    N expectations of the scenario failed under this design (cont:N: N driver failures contained)",
            "obs:H/N   H of the N observations (observe:) held under this design; an observation never fails a run",
            "d/e/p/h/s denials (dispatcher decisions that refused) / ENOMEMs (steps and move_pages entries)"
                    + " / poison (the sum of the drivers' poison statistics, reportStat poison or poison_*: a driver"
                    + " statistic is the only source) / driver hook calls / sites touched (patch footprint)",
            "name=V    a statistic the node's driver reported (reportStat, CONTRACT R1.9), latest value, as nN.name; shown where the designs disagree on it",
            "*         the designs behave differently: invariants/breaches, FAIL, cont, obs, denials, ENOMEMs, poison or a"
                    + " driver statistic differ (hook calls and sites touched are not compared: they differ merely"
                    + " because a design has hooks); in HTML and Markdown the cells whose outcome differs from the first"
                    + " design's are marked");

    private static final Map<String, String> SHORT = Map.of("leak", "leak", "escape", "esc", "unsafe write", "wr",
            "unnotified free", "free");

    public SuiteSummary {
        designs = List.copyOf(designs);
        rows = List.copyOf(rows);
    }

    /** A scenario's row: its cells in design order; {@code differ} when they are not all alike. */
    public record Row(String scenario, String file, String description, boolean passed, List<Cell> cells,
                      boolean differ) {
        public Row {
            cells = List.copyOf(cells);
        }

        /** Whether cell {@code i} differs from the first design's. */
        public boolean differsFromFirst(int i) {
            return !cells.get(i).outcome().equals(cells.get(0).outcome());
        }
    }

    /**
     * One design's run of one scenario.
     *
     * @param breaches       breach kind (leak, escape, unsafe write, unnotified free) to count
     * @param mmInvariants   DebugVm violations found
     * @param failed         expectations that failed
     * @param denials        dispatcher decisions that refused, over every site
     * @param enomem         steps that returned ENOMEM plus move_pages status entries -ENOMEM
     * @param hookCalls      driver hook calls, over every site
     * @param sitesTouched   the sites of the design's patch footprint
     * @param driverStats {@code nN.name} to the latest value the node's driver reported (R1.9)
     * @param observed       observations ({@code observe:}) compared under this design
     * @param observedHeld   those whose value was as written
     */
    public record Cell(Map<String, Long> breaches, int mmInvariants, long failed, long denials, long enomem,
                       long hookCalls, List<String> sitesTouched, Map<String, Long> driverStats, int contained,
                       java.util.Set<String> shownStats, int observed, int observedHeld) {
        public Cell {
            shownStats = java.util.Set.copyOf(shownStats);
            breaches = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(breaches));
            sitesTouched = List.copyOf(sitesTouched);
            driverStats = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(driverStats));
        }

        /** Every invariant held (breaches and DebugVm). */
        public boolean held() {
            return mmInvariants == 0 && breaches.values().stream().allMatch(v -> v == 0);
        }

        /** The sum of the statistics named {@code poison} or {@code poison_*} the drivers reported. */
        public long poison() {
            return driverStats.entrySet().stream().filter(e -> isPoison(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        }

        /** Scenario's expectations and every observation held under this design. */
        public boolean heldEverything() {
            return failed == 0 && observedHeld == observed;
        }

        /**
         * What the comparison compares: the behaviour, not the footprint. Breaches, DebugVm
         * violations, failed expectations, contained failures, observations held, denials, ENOMEMs,
         * poison and every driver statistic; never hook calls or sites touched.
         */
        public List<Object> outcome() {
            return List.of(breaches, mmInvariants, failed, contained, observed, observedHeld, denials, enomem, poison(),
                    driverStats);
        }

        /** The compact form without driver statistics (the terminal table's cell), e.g. {@code leak:3 2/0/0/14/5}. */
        public String compactText() {
            return text(false);
        }

        /** The compact form of {@link #LEGEND}, e.g. {@code leak:3 FAIL:1 2/0/0/14/5 n2.vetoes_seen=3}. */
        public String text() {
            return text(true);
        }

        private String text(boolean stats) {
            StringBuilder sb = new StringBuilder();
            if (held()) {
                sb.append("ok");
            }
            breaches.forEach((k, v) -> {
                if (v > 0) {
                    sb.append(sb.length() > 0 ? " " : "").append(SHORT.getOrDefault(k, k)).append(':').append(v);
                }
            });
            if (mmInvariants > 0) {
                sb.append(" mm:").append(mmInvariants);
            }
            if (failed > 0) {
                sb.append(" FAIL:").append(failed);
            }
            if (contained > 0) {
                sb.append(" cont:").append(contained);
            }
            if (observed > 0) {
                sb.append(" obs:").append(observedHeld).append('/').append(observed);
            }
            sb.append(' ').append(denials).append('/').append(enomem).append('/').append(poison()).append('/')
                    .append(hookCalls).append('/').append(sitesTouched.size());
            driverStats.forEach((k, v) -> {
                if (stats && shownStats.contains(k)) {
                    sb.append(' ').append(k).append('=').append(v);
                }
            });
            return sb.toString();
        }
    }

    public static SuiteSummary of(List<String> designs, List<Comparison> comparisons) {
        List<Row> rows = new ArrayList<>();
        for (Comparison c : comparisons) {
            List<Cell> all = new ArrayList<>();
            for (String d : designs) {
                all.add(cell(c.runs().get(d), java.util.Set.of()));
            }
            // the text shows a statistic only where the designs disagree on it (JSON and HTML have all)
            java.util.Set<String> shown = new java.util.LinkedHashSet<>();
            for (Cell x : all) {
                for (String k : x.driverStats().keySet()) {
                    if (all.stream().map(y -> y.driverStats().get(k)).distinct().count() > 1) {
                        shown.add(k);
                    }
                }
            }
            List<Cell> cells = new ArrayList<>();
            for (String d : designs) {
                cells.add(cell(c.runs().get(d), shown));
            }
            boolean differ = differ(cells);
            rows.add(new Row(c.scenario(), c.source(), c.runs().values().iterator().next().description(), c.passed(),
                    cells, differ));
        }
        return new SuiteSummary(designs, rows);
    }

    /** Whether the cells' outcomes (not their hook calls or sites touched) are not all alike. */
    static boolean differ(List<Cell> cells) {
        return cells.stream().map(Cell::outcome).distinct().count() > 1;
    }

    static boolean isPoison(String statKey) {
        String name = statKey.substring(statKey.indexOf('.') + 1);
        return name.equals("poison") || name.startsWith("poison_");
    }

    /** Per design (column order), the scenarios whose expectations and every observation held. */
    public List<Integer> heldEverything() {
        List<Integer> n = new ArrayList<>();
        for (int i = 0; i < designs.size(); i++) {
            int k = i;
            n.add((int) rows.stream().filter(r -> r.cells().get(k).heldEverything()).count());
        }
        return n;
    }

    /** {@code held everything: d1 16/16, d2 13/16}: the series' tests each design passes. */
    public String heldEverythingLine() {
        List<Integer> n = heldEverything();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < designs.size(); i++) {
            parts.add(designs.get(i) + " " + n.get(i) + "/" + rows.size());
        }
        return "held everything (expectations and observations): " + String.join(", ", parts);
    }

    static Cell cell(RunReport r, java.util.Set<String> shownStats) {
        PrivacyReport p = r.privacy();
        Map<String, Long> breaches = new LinkedHashMap<>();
        for (String kind : SHORT.keySet().stream().sorted(SuiteSummary::breachOrder).toList()) {
            breaches.put(kind, p.count(kind));
        }
        long denials = 0;
        long hooks = 0;
        for (PrivacyReport.SiteCount s : p.sites().values()) {
            denials += s.denied();
            hooks += s.hooks().values().stream().mapToLong(PrivacyReport.HookCount::consulted).sum();
        }
        long enomem = 0;
        for (RunReport.StepResult st : r.steps()) {
            if ("ENOMEM".equals(st.result())) {
                enomem++;
            }
            if (st.fields().get("status") instanceof List<?> status) {
                enomem += status.stream().filter(v -> v instanceof Number n && n.intValue() == -12).count();
            }
        }
        List<String> sites = p.footprint().stream().map(f -> f.contains(" (") ? f.substring(0, f.indexOf(" (")) : f).toList();
        Map<String, Long> counters = new LinkedHashMap<>();
        for (Timeline.Series s : r.timeline().of(Timeline.Kind.DRIVER_STAT)) {
            Long last = s.values().isEmpty() ? null : s.values().get(s.values().size() - 1);
            if (last != null) {
                counters.put("n" + s.nid() + "." + s.name(), last);
            }
        }
        return new Cell(breaches, r.invariants().size(), r.failedExpectations(), denials, enomem, hooks, sites, counters,
                p.contained().size(), shownStats, r.observations().size(),
                (int) (r.observations().size() - r.observationsDiffering()));
    }

    private static int breachOrder(String a, String b) {
        List<String> order = List.of("leak", "escape", "unsafe write", "unnotified free");
        return Integer.compare(order.indexOf(a), order.indexOf(b));
    }
}
