package org.mmproto.core.scenario.step;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.thp.Khugepaged;
import org.mmproto.core.thp.KhugepagedTunables;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code khugepaged: {scans: N, max_ptes_none: .., pages_to_scan: .., ...}}: writes the given
 * /sys/kernel/mm/transparent_hugepage/khugepaged/ files, then runs N wakeups of khugepaged
 * (khugepaged_do_scan, default 1; 0 only writes the files) whatever the time. Outputs
 * {@code collapsed} and {@code ranges} (this step), {@code pages_collapsed} and {@code full_scans}
 * (the sysfs counters after it).
 */
public record KhugepagedStep(Meta meta, int scans, Map<String, Long> writes) implements Step {
    public static final StepType TYPE = StepType.of("khugepaged", KhugepagedStep::parse);
    private static final Set<String> KEYS = YamlTree.keys("scans", "max_ptes_none", "max_ptes_swap", "max_ptes_shared",
            "pages_to_scan", "scan_sleep_millisecs", "alloc_sleep_millisecs", "defrag");

    static KhugepagedStep parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        if (value == null) {
            return new KhugepagedStep(meta, 1, Map.of());
        }
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        int scans = tree.get(m, "scans").map(n -> tree.intValue(n, 0, 100_000)).orElse(1);
        Map<String, Long> writes = new LinkedHashMap<>();
        for (String key : List.of("max_ptes_none", "max_ptes_swap", "max_ptes_shared")) {
            tree.get(m, key).ifPresent(n -> writes.put(key, (long) tree.intValue(n, 0, KhugepagedTunables.MAX_PTES_LIMIT)));
        }
        tree.get(m, "pages_to_scan").ifPresent(n -> writes.put("pages_to_scan", (long) tree.intValue(n, 1, Integer.MAX_VALUE)));
        for (String key : List.of("scan_sleep_millisecs", "alloc_sleep_millisecs")) {
            tree.get(m, key).ifPresent(n -> writes.put(key, tree.longValue(n, 0, 1L << 40)));
        }
        tree.get(m, "defrag").ifPresent(n -> writes.put("defrag", (long) tree.intValue(n, 0, 1)));
        return new KhugepagedStep(meta, scans, Map.copyOf(writes));
    }

    @Override
    public Step withMeta(Meta m) {
        return new KhugepagedStep(m, scans, writes);
    }

    @Override
    public List<String> expectFields() {
        return List.of("collapsed", "ranges", "pages_collapsed", "full_scans");
    }

    @Override
    public StepOutcome run(RunContext run) {
        Khugepaged kh = run.kernel().khugepaged();
        if (!writes.isEmpty()) {
            KhugepagedTunables t = kh.tunables();
            kh.setTunables(new KhugepagedTunables(
                    writes.getOrDefault("max_ptes_none", (long) t.maxPtesNone()).intValue(),
                    writes.getOrDefault("max_ptes_swap", (long) t.maxPtesSwap()).intValue(),
                    writes.getOrDefault("max_ptes_shared", (long) t.maxPtesShared()).intValue(),
                    writes.getOrDefault("pages_to_scan", (long) t.pagesToScan()).intValue(),
                    writes.getOrDefault("scan_sleep_millisecs", t.scanSleepMillisecs()),
                    writes.getOrDefault("alloc_sleep_millisecs", t.allocSleepMillisecs()),
                    writes.getOrDefault("defrag", t.defrag() ? 1L : 0L) == 1));
        }
        long collapsed = 0;
        long ranges = 0;
        for (int i = 0; i < scans; i++) {
            Khugepaged.Pass pass = kh.scan();
            collapsed += pass.collapsed();
            ranges += pass.ranges();
        }
        return StepOutcome.raw(0).put("collapsed", collapsed).put("ranges", ranges)
                .put("pages_collapsed", kh.pagesCollapsed()).put("full_scans", kh.fullScans())
                .summary("khugepaged: " + scans + " wakeup" + (scans == 1 ? "" : "s") + ", " + ranges + " PMD ranges scanned, "
                        + collapsed + " collapsed (pages_collapsed " + kh.pagesCollapsed() + ", full_scans "
                        + kh.fullScans() + ")" + (writes.isEmpty() ? "" : "; wrote " + writes));
    }
}
