package org.mmproto.core.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mmproto.core.scenario.PrivacyReport;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.Timeline;

/**
 * The charts of one compared scenario, built from what each design's run recorded: per-node
 * usage over the steps, driver hook calls per site, demotions and promotions per step, and every
 * series a driver reported (pressure, capacity, its driver statistics). A design or a driver
 * counter the report has never seen gets its series like the others: nothing here names one.
 */
public final class ScenarioCharts {
    /** The vmstat counters the tiering chart shows per step, by prefix. */
    static final List<String> TIERING_PREFIXES = List.of("pgdemote_", "pgpromote_");

    private ScenarioCharts() {
    }

    public static List<Chart> of(Comparison c) {
        List<String> ds = c.designs();
        RunReport first = c.runs().get(ds.get(0));
        List<String> x = sampleLabels(first.timeline());
        List<Chart> out = new ArrayList<>();
        nodeUsage(c, ds, x, out);
        hookCalls(c, ds, out);
        tiering(c, ds, x, out);
        driverSeries(c, ds, x, out);
        return out;
    }

    static List<String> sampleLabels(Timeline t) {
        List<String> x = new ArrayList<>();
        for (int line : t.lines()) {
            x.add(line == 0 ? "boot" : "L" + line);
        }
        return x;
    }

    /** A node whose usage moved under some design, or a private node, gets a chart. */
    private static void nodeUsage(Comparison c, List<String> ds, List<String> x, List<Chart> out) {
        RunReport first = c.runs().get(ds.get(0));
        for (RunReport.NodeUsage n : first.nodes()) {
            List<Chart.Series> series = new ArrayList<>();
            boolean moved = false;
            for (String d : ds) {
                Timeline.Series s = find(c.runs().get(d).timeline(), "node" + n.nid() + ".used_pages");
                if (s != null) {
                    series.add(new Chart.Series(d, s.values()));
                    moved |= s.values().stream().distinct().count() > 1;
                }
            }
            if (!series.isEmpty() && (moved || n.isPrivate())) {
                out.add(new Chart("node " + n.nid() + (n.isPrivate() ? " (private)" : "") + ": used pages ("
                        + n.totalPages() + " managed)", "line", "node_usage", "pages", x, series));
            }
        }
    }

    private static void hookCalls(Comparison c, List<String> ds, List<Chart> out) {
        Set<String> sites = new LinkedHashSet<>();
        for (String d : ds) {
            c.runs().get(d).privacy().sites().forEach((site, sc) -> {
                if (!sc.hooks().isEmpty()) {
                    sites.add(site);
                }
            });
        }
        if (sites.isEmpty()) {
            return;
        }
        List<Chart.Series> series = new ArrayList<>();
        for (String d : ds) {
            List<Long> v = new ArrayList<>();
            for (String site : sites) {
                PrivacyReport.SiteCount sc = c.runs().get(d).privacy().sites().get(site);
                v.add(sc == null ? 0 : sc.hooks().values().stream().mapToLong(PrivacyReport.HookCount::consulted).sum());
            }
            series.add(new Chart.Series(d, v));
        }
        out.add(new Chart("driver hook calls per site", "bar", "hook_calls", "calls", List.copyOf(sites), series));
    }

    /** pgdemote_* / pgpromote_* per step (the counter's increase during the step), per design. */
    private static void tiering(Comparison c, List<String> ds, List<String> x, List<Chart> out) {
        List<Chart.Series> series = new ArrayList<>();
        for (String d : ds) {
            for (Timeline.Series s : c.runs().get(d).timeline().of(Timeline.Kind.VMSTAT)) {
                if (TIERING_PREFIXES.stream().anyMatch(s.name()::startsWith)) {
                    List<Long> perStep = new ArrayList<>();
                    for (int i = 0; i < s.values().size(); i++) {
                        perStep.add(i == 0 ? 0 : s.values().get(i) - s.values().get(i - 1));
                    }
                    series.add(new Chart.Series(d + " " + s.name(), perStep));
                }
            }
        }
        if (!series.isEmpty()) {
            out.add(new Chart("demotions and promotions per step (pgdemote_*, pgpromote_*)", "line", "tiering",
                    "pages per step", x, series));
        }
    }

    /** One chart per driver-reported series key (node2.pressure, node2.poison, ...), a line per design. */
    private static void driverSeries(Comparison c, List<String> ds, List<String> x, List<Chart> out) {
        Map<String, Map<String, Timeline.Series>> byKey = new LinkedHashMap<>();
        for (String d : ds) {
            for (Timeline.Series s : c.runs().get(d).timeline().series()) {
                if (s.kind() == Timeline.Kind.DRIVER || s.kind() == Timeline.Kind.DRIVER_STAT) {
                    byKey.computeIfAbsent(s.key(), k -> new LinkedHashMap<>()).put(d, s);
                }
            }
        }
        byKey.forEach((key, perDesign) -> {
            Timeline.Series any = perDesign.values().iterator().next();
            List<Chart.Series> series = new ArrayList<>();
            perDesign.forEach((d, s) -> series.add(new Chart.Series(d, s.values())));
            String what = any.kind() == Timeline.Kind.DRIVER_STAT ? "driver statistic" : "driver-reported";
            String advertised = any.name().equals("capacity_pages") ? ", node advertises "
                    + c.runs().get(ds.get(0)).nodes().get(any.nid()).totalPages() + " pages" : "";
            out.add(new Chart("node " + any.nid() + ": " + any.name() + " (" + what + advertised + ")", "line", "driver",
                    any.unit(), x, series));
        });
    }

    private static Timeline.Series find(Timeline t, String key) {
        for (Timeline.Series s : t.series()) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        return null;
    }
}
