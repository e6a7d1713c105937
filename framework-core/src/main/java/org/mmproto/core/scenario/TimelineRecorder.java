package org.mmproto.core.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.mmproto.core.hooks.KernelDriverContext;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.Node;

/**
 * Samples the engine after boot and after every step into a {@link Timeline}: each node's used
 * pages, every vmstat counter (kept only if it changed during the run), and what each bound
 * driver reported (pressure, capacity, its statistics), under names the report shows as is.
 */
final class TimelineRecorder {
    private final Kernel k;
    private final Supplier<Map<String, Long>> vmstat;
    private final Map<String, Long> start;
    private final List<Integer> lines = new ArrayList<>();
    private final List<List<Long>> used = new ArrayList<>();
    private final Map<String, List<Long>> counters = new LinkedHashMap<>();
    /** Driver values by key; a key first seen at sample i gets nulls for the samples before it. */
    private final Map<String, List<Long>> driver = new LinkedHashMap<>();
    private final Map<String, Integer> driverNid = new LinkedHashMap<>();
    private final Map<String, Timeline.Kind> driverKind = new LinkedHashMap<>();

    TimelineRecorder(Kernel k, Supplier<Map<String, Long>> vmstat, Map<String, Long> start) {
        this.k = k;
        this.vmstat = vmstat;
        this.start = start;
        for (int i = 0; i < k.mem().nodes().size(); i++) {
            used.add(new ArrayList<>());
        }
    }

    void sample(int line) {
        int at = lines.size();
        lines.add(line);
        for (Node n : k.mem().nodes()) {
            used.get(n.nid()).add(ScenarioRunner.usedPages(n));
        }
        vmstat.get().forEach((name, v) -> counters.computeIfAbsent(name, x -> new ArrayList<>())
                .add(v - start.getOrDefault(name, 0L)));
        for (Node n : k.mem().nodes()) {
            k.driverContext(n.nid()).ifPresent(ctx -> driverValues(n.nid(), ctx, at));
        }
        driver.values().forEach(v -> {
            while (v.size() < lines.size()) {
                v.add(null);
            }
        });
    }

    private void driverValues(int nid, KernelDriverContext ctx, int at) {
        if (ctx.pressureReported()) {
            put(nid, "pressure", ctx.reportedPressure(), at, Timeline.Kind.DRIVER);
        }
        if (ctx.reportedCapacity() >= 0) {
            put(nid, "capacity_pages", ctx.reportedCapacity(), at, Timeline.Kind.DRIVER);
        }
        ctx.reportedStats().forEach((name, v) -> put(nid, name, v, at, Timeline.Kind.DRIVER_STAT));
    }

    private void put(int nid, String name, long v, int at, Timeline.Kind kind) {
        // a statistic may be called "pressure" too: its own key space
        String key = "node" + nid + (kind == Timeline.Kind.DRIVER_STAT ? ".stat." : ".") + name;
        driverKind.putIfAbsent(key, kind);
        List<Long> values = driver.computeIfAbsent(key, x -> new ArrayList<>());
        driverNid.put(key, nid);
        while (values.size() < at) {
            values.add(null);
        }
        values.add(v);
    }

    Timeline timeline() {
        List<Timeline.Series> out = new ArrayList<>();
        for (int nid = 0; nid < used.size(); nid++) {
            out.add(new Timeline.Series("node" + nid + ".used_pages", Timeline.Kind.NODE_USED, nid, "used_pages", "pages",
                    used.get(nid)));
        }
        counters.forEach((name, v) -> {
            if (v.stream().anyMatch(x -> x != 0)) {
                out.add(new Timeline.Series("vmstat." + name, Timeline.Kind.VMSTAT, -1, name,
                        name.startsWith("nr_") ? "pages" : "count", v));
            }
        });
        driver.forEach((key, v) -> {
            String name = key.substring(key.lastIndexOf('.') + 1);
            out.add(new Timeline.Series(key, driverKind.get(key), driverNid.get(key), name,
                    name.endsWith("_pages") ? "pages" : "count", v));
        });
        return new Timeline(lines, out);
    }
}
