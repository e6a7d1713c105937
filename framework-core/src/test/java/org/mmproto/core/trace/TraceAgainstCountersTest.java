package org.mmproto.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmproto.api.driver.NpOps;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.hooks.RecordingDriver;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.RunSetup;
import org.mmproto.core.scenario.Scenario;
import org.mmproto.core.scenario.ScenarioFiles;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;

/**
 * A bundled scenario traced into ftrace text, the text parsed back line by line, and the events
 * added up against the counters the run reports: every page pgalloc_* counted has its
 * mm_page_alloc (compaction's targets aside: compaction_alloc fires none, in the kernel too),
 * every pgfree page its mm_page_free, every migrated or failed page its mm_migrate_pages, and
 * the kswapd runs and direct-reclaim stalls their events, every collapse attempt its
 * mm_collapse_huge_page (thp_collapse_alloc + thp_collapse_alloc_failed), every scanned PMD range
 * its mm_khugepaged_scan_pmd, demotions and NUMA-balancing promotions their mm_migrate_pages reason.
 */
class TraceAgainstCountersTest {
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");

    @ParameterizedTest
    @ValueSource(strings = {"mbind", "cxl-tier", "private-node-audit", "move-pages", "workloads", "longterm-pin-movable",
        "khugepaged", "migrate-pages"})
    void events_add_up_to_the_counters(String name) {
        check(name, ScenarioParser.parse(ScenarioFiles.resolve(name)));
    }

    /** reclaim-swap without its driver plugin (not built in this module): kswapd, direct reclaim, swap. */
    @Test
    void reclaim_events_add_up_to_the_counters() throws Exception {
        Path file = ScenarioFiles.resolve("reclaim-swap");
        String yaml = Files.readString(file).replace("drivers:\n  - {plugin: cxl-mempolicy, node: 2}\n", "")
                .replace("machine: private-normal", "machine: private-normal\ndesign: unpatched");
        assertThat(yaml).doesNotContain("drivers:");
        Map<String, Long> counts = check("reclaim-swap", ScenarioParser.parse(yaml, "reclaim-swap.yaml", file.getParent()));
        assertThat(counts).containsKeys("mm_vmscan_kswapd_wake", "mm_vmscan_direct_reclaim_begin");
    }

    /**
     * Scenarios that bind cxl-mempolicy (a plugin this module does not build) run with a recording
     * driver of the same opt-ins in its place: every call the engine makes to it is a private:hook.
     */
    @ParameterizedTest
    @ValueSource(strings = {"compaction", "cxl-mempolicy", "reclaim-swap"})
    void driver_calls_add_up_to_the_dispatcher_counts(String name) {
        RunSetup setup = RunSetup.builtIn().withDrivers(Map.of("cxl-mempolicy",
                () -> RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY)));
        Map<String, Long> counts = check(name, ScenarioParser.parse(ScenarioFiles.resolve(name)), setup);
        assertThat(counts).as(name + ": the driver was called").containsKey("hook");
        if (name.equals("compaction")) {
            assertThat(counts).containsKeys("mm_compaction_begin", "mm_compaction_end");
        }
    }

    private static Map<String, Long> check(String name, Scenario scenario) {
        return check(name, scenario, RunSetup.builtIn());
    }

    private static Map<String, Long> check(String name, Scenario scenario, RunSetup setup) {
        StringWriter text = new StringWriter();
        Tracer tracer = new Tracer(EventFilter.ALL, new FtraceText(text));
        RunReport r = new ScenarioRunner(scenario, setup).instrument(tracer, FaultInjector.OFF).run();

        Map<String, Long> sums = new HashMap<>();
        Map<String, Long> counts = new HashMap<>();
        Map<String, Long> hookEvents = new HashMap<>();
        long lastUs = -1;
        for (String line : text.toString().split("\n")) {
            FtraceText.Line l = FtraceText.parse(line);
            if (l == null) {
                continue;
            }
            assertThat(l.timeUs()).as("timestamps never go back (simulated time)").isGreaterThanOrEqualTo(lastUs);
            lastUs = l.timeUs();
            counts.merge(l.event(), 1L, Long::sum);
            Map<String, String> f = fields(l.body());
            switch (l.event()) {
                case "mm_page_alloc" -> {
                    if (!f.get("page").equals("0000000000000000")) {
                        sums.merge("alloc", 1L << Integer.parseInt(f.get("order")), Long::sum);
                    }
                }
                case "mm_page_free" -> sums.merge("free", 1L << Integer.parseInt(f.get("order")), Long::sum);
                case "mm_collapse_huge_page" -> {
                    sums.merge("collapse_" + f.get("status"), 1L, Long::sum);
                    assertThat(f.get("isolated")).isEqualTo(f.get("status").equals("succeeded") ? "1" : "0");
                }
                case "hook" -> hookEvents.merge(f.get("site") + "/" + f.get("hook"), 1L, Long::sum);
                case "mm_khugepaged_scan_pmd" -> sums.merge("scan_" + f.get("status"), 1L, Long::sum);
                case "mm_migrate_pages" -> {
                    sums.merge("migrated_" + f.get("reason"), Long.parseLong(f.get("nr_succeeded")), Long::sum);
                    sums.merge("migrated", Long.parseLong(f.get("nr_succeeded")), Long::sum);
                    sums.merge("migrate_failed", Long.parseLong(f.get("nr_failed")), Long::sum);
                }
                default -> { }
            }
        }
        Map<String, Long> v = r.vmstat();
        long pgalloc = v.get("pgalloc_dma") + v.get("pgalloc_dma32") + v.get("pgalloc_normal")
                + v.get("pgalloc_movable");
        long compactionTargets = r.steps().stream().anyMatch(s -> s.op().equals("compact")) ? -1 : 0;
        assertThat(counts.get("mm_page_alloc")).as("the run allocated").isPositive();
        if (compactionTargets == 0) {
            assertThat(sums.getOrDefault("alloc", 0L)).as(name + ": pages of mm_page_alloc = pgalloc_*").isEqualTo(pgalloc);
        }
        assertThat(sums.getOrDefault("free", 0L)).as(name + ": pages of mm_page_free = pgfree").isEqualTo(v.get("pgfree"));
        assertThat(sums.getOrDefault("migrated", 0L)).as(name + ": nr_succeeded = pgmigrate_success")
                .isEqualTo(v.get("pgmigrate_success"));
        assertThat(sums.getOrDefault("migrate_failed", 0L)).as(name + ": nr_failed = pgmigrate_fail")
                .isEqualTo(v.get("pgmigrate_fail"));
        assertThat(counts.getOrDefault("mm_vmscan_kswapd_wake", 0L)).as(name + ": a wake per kswapd run (pageoutrun)")
                .isEqualTo(v.get("pageoutrun"));
        // kswapd sleeps only after a run that left its node balanced (or hopeless); one that did
        // not stays awake for the next tick, so a node has at most one wake without its sleep
        assertThat(counts.getOrDefault("mm_vmscan_kswapd_sleep", 0L)).as(name + ": a sleep per run that balanced")
                .isLessThanOrEqualTo(counts.getOrDefault("mm_vmscan_kswapd_wake", 0L));
        long stalls = v.entrySet().stream().filter(e -> e.getKey().startsWith("allocstall_"))
                .mapToLong(Map.Entry::getValue).sum();
        assertThat(counts.getOrDefault("mm_vmscan_direct_reclaim_begin", 0L)).as(name + ": direct reclaim per allocstall")
                .isEqualTo(stalls).isEqualTo(counts.getOrDefault("mm_vmscan_direct_reclaim_end", 0L));
        long collapses = counts.getOrDefault("mm_collapse_huge_page", 0L);
        assertThat(collapses).as(name + ": an mm_collapse_huge_page per collapse allocation")
                .isEqualTo(v.get("thp_collapse_alloc") + v.get("thp_collapse_alloc_failed"));
        assertThat(sums.getOrDefault("collapse_alloc_huge_page_failed", 0L)).as(name + ": failed collapse allocations")
                .isEqualTo(v.get("thp_collapse_alloc_failed"));
        assertThat(sums.getOrDefault("scan_succeeded", 0L)).as(name + ": a scan that collapsed per succeeded collapse")
                .isEqualTo(sums.getOrDefault("collapse_succeeded", 0L));
        assertThat(sums.getOrDefault("scan_exceed_none_pte", 0L)).as(name + ": thp_scan_exceed_none_pte")
                .isEqualTo(v.get("thp_scan_exceed_none_pte"));
        long scanned = counts.getOrDefault("mm_khugepaged_scan_pmd", 0L);
        assertThat(scanned).as(name + ": a range scan per collapse and more").isGreaterThanOrEqualTo(collapses);
        long demoted = v.get("pgdemote_kswapd") + v.get("pgdemote_direct") + v.get("pgdemote_khugepaged")
                + v.get("pgdemote_proactive");
        assertThat(sums.getOrDefault("migrated_demotion", 0L)).as(name + ": reason=demotion pages = pgdemote_*")
                .isEqualTo(demoted);
        assertThat(sums.getOrDefault("migrated_numa_misplaced", 0L)).as(name + ": reason=numa_misplaced = numa_pages_migrated")
                .isEqualTo(v.get("numa_pages_migrated"));
        long decided = r.privacy().sites().values().stream().mapToLong(s -> s.consulted()).sum();
        assertThat(counts.getOrDefault("decision", 0L)).as(name + ": a private:decision per recorded decision")
                .isEqualTo(decided);
        assertThat(counts.getOrDefault("mm_compaction_kcompactd_wake", 0L))
                .as(name + ": an mm_compaction_kcompactd_wake per compact_daemon_wake")
                .isEqualTo(v.get("compact_daemon_wake"))
                .isLessThanOrEqualTo(counts.getOrDefault("mm_compaction_wakeup_kcompactd", 0L));
        Map<String, Long> consulted = new HashMap<>();
        r.privacy().sites().forEach((site, sc) -> sc.hooks().forEach((hook, hc) -> {
            if (hc.consulted() > 0) {
                consulted.put(site + "/" + hook, hc.consulted());
            }
        }));
        assertThat(hookEvents).as(name + ": a private:hook per driver call the dispatcher counted, per site and hook")
                .isEqualTo(consulted);
        assertThat(tracer.fired()).isEqualTo(counts.values().stream().mapToLong(Long::longValue).sum());
        return counts;
    }

    static Map<String, String> fields(String body) {
        Map<String, String> m = new HashMap<>();
        Matcher x = FIELD.matcher(body);
        while (x.find()) {
            m.put(x.group(1), x.group(2).replaceAll(",$", ""));
        }
        return m;
    }

    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (FtraceText.parse(l) != null) {
                out.add(l);
            }
        }
        return out;
    }
}
