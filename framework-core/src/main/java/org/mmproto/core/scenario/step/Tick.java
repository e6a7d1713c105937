package org.mmproto.core.scenario.step;

import java.util.Set;
import org.mmproto.core.compaction.Fragmentation;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.kernel.Daemons;
import org.mmproto.core.reclaim.Reclaim;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Time passes ({@code ms} milliseconds): the daemons run: every woken kswapd, then NUMA
 * balancing's scans (task_numa_work, once per scan period), then kcompactd (kswapd's wakeups and
 * proactive compaction every 500 ms), then khugepaged (a wakeup every scan_sleep_millisecs), then
 * the drivers' delayed work due by the tick's end (CONTRACT R1.10), each at its due time.
 */
public record Tick(Meta meta, long ms) implements Step {
    public static final StepType TYPE = StepType.of("tick", Tick::parse);
    private static final Set<String> KEYS = YamlTree.keys("ms");

    static Tick parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        long ms = tree.get(m, "ms").map(n -> tree.longValue(n, 1, 1L << 40)).orElse(1000L);
        return new Tick(meta, ms);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Tick(m, ms);
    }

    @Override
    public StepOutcome run(RunContext run) {
        Reclaim r = run.kernel().reclaim();
        String[] before = new String[1];
        Daemons.Ran d = Daemons.run(run.kernel(), ms, () -> before[0] = scores(run));
        long reclaimed = d.reclaimed();
        long marked = d.numaPteUpdates();
        long compacted = d.kcompactdMigrated();
        long wakeups = d.khugepagedWakeups();
        long collapsed = d.collapsed();
        long work = d.delayedWork();
        return StepOutcome.raw(0).put("reclaimed", reclaimed).put("numa_pte_updates", marked)
                .put("kcompactd_migrated", compacted)
                .put("khugepaged_wakeups", wakeups).put("collapsed", collapsed).put("delayed_work", work)
                .summary("tick " + ms + " ms (t = " + r.timeMs() + " ms): kswapd reclaimed " + reclaimed + " pages"
                        + (marked > 0 ? ", NUMA balancing marked " + marked + " PTEs" : "")
                        + (compacted > 0 ? ", kcompactd moved " + compacted + " folios (fragmentation score "
                        + before[0] + " -> " + scores(run) + ")" : "")
                        + (wakeups > 0 ? ", khugepaged woke " + wakeups + "x and collapsed " + collapsed : "")
                        + (work > 0 ? ", drivers' delayed work ran " + work + "x" : ""));
    }

    /** fragmentation_score_node of every node, "N0=93 N1=0". */
    private static String scores(RunContext run) {
        StringBuilder sb = new StringBuilder();
        for (var n : run.kernel().mem().nodes()) {
            sb.append(sb.length() == 0 ? "" : " ").append('N').append(n.nid()).append('=')
                    .append(Fragmentation.nodeScore(n));
        }
        return sb.toString();
    }
}
