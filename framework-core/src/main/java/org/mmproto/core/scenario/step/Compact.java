package org.mmproto.core.scenario.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.mmproto.core.compaction.Compaction;
import org.mmproto.core.compaction.CompactionStats;
import org.mmproto.core.compaction.Fragmentation;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Manual compaction: {@code compact: {node: N}} is {@code echo 1 > /sys/devices/system/node/nodeN/compact}
 * (0, or the design's errno when it refuses a private node: EINVAL under ops-struct without
 * NP_OPS_COMPACTION); {@code compact: {}} is {@code echo 1 > /proc/sys/vm/compact_memory}, every
 * node, a refused private node skipped (0). Outputs the folios moved and the scanners' pages;
 * the summary gives each zone's order-9 unusable index before and after.
 */
public record Compact(Meta meta, int nid) implements Step {
    public static final StepType TYPE = StepType.of("compact", Compact::parse);
    private static final Set<String> KEYS = YamlTree.keys("node");

    static Compact parse(ParseContext p, Meta meta, Node opKey, Node value) {
        if (value == null) {
            return new Compact(meta, -1);
        }
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        var nodeArg = tree.get(m, "node");
        if (nodeArg.isEmpty()) {
            return new Compact(meta, -1);
        }
        int nid = tree.intValue(nodeArg.get(), 0, Integer.MAX_VALUE);
        if (nid >= p.machine().nodeCount()) {
            throw tree.error(nodeArg.get(), "node " + nid + " does not exist on machine " + p.machine().name()
                    + " (nodes 0-" + (p.machine().nodeCount() - 1) + "): there is no /sys/devices/system/node/node"
                    + nid + "/compact");
        }
        return new Compact(meta, nid);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Compact(m, nid);
    }

    @Override
    public StepOutcome run(RunContext run) {
        Compaction c = run.kernel().compaction();
        int nodes = run.kernel().mem().nodeCount();
        List<Integer> targets = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            if (nid < 0 || n == nid) {
                targets.add(n);
            }
        }
        List<String> before = unusable9(run, targets);
        String scoresBefore = scores(run, targets);
        long migrated = 0;
        long failed = 0;
        long scanned = 0;
        long freeScanned = 0;
        long isolated = 0;
        long ret = 0;
        List<Integer> refused = new ArrayList<>();
        for (int n : targets) {
            Compaction.NodeResult r = c.compactNode(n);
            if (r.ret() < 0) {
                refused.add(n);
                ret = nid < 0 ? 0 : r.ret();
            }
            CompactionStats st = r.stats();
            migrated += st.migrated();
            failed += st.failed();
            scanned += st.migrateScanned();
            freeScanned += st.freeScanned();
            isolated += st.isolated();
        }
        List<String> after = unusable9(run, targets);
        StringBuilder sum = new StringBuilder(nid < 0 ? "compact_memory" : "compact node " + nid);
        sum.append(": ").append(migrated).append(" folios moved");
        if (!refused.isEmpty()) {
            sum.append(", refused on node ").append(refused);
        }
        sum.append("; order-9 unusable index");
        for (int i = 0; i < before.size(); i++) {
            sum.append(' ').append(before.get(i)).append(" -> ").append(after.get(i).substring(after.get(i).lastIndexOf(' ') + 1));
        }
        sum.append("; fragmentation score ").append(scoresBefore).append(" -> ").append(scores(run, targets));
        return StepOutcome.raw(ret).put("migrated", migrated).put("failed", failed).put("migrate_scanned", scanned)
                .put("free_scanned", freeScanned).put("isolated", isolated).summary(sum.toString());
    }

    private static String scores(RunContext run, List<Integer> nids) {
        StringBuilder sb = new StringBuilder();
        for (int n : nids) {
            sb.append(sb.length() == 0 ? "" : " ").append('N').append(n).append('=')
                    .append(Fragmentation.nodeScore(run.kernel().mem().node(n)));
        }
        return sb.toString();
    }

    private static List<String> unusable9(RunContext run, List<Integer> nids) {
        List<String> out = new ArrayList<>();
        for (int n : nids) {
            for (Zone z : run.kernel().mem().node(n).zones()) {
                if (z.populated()) {
                    int v = Fragmentation.unusableIndex(z, Zone.PAGEBLOCK_ORDER);
                    out.add("N" + n + "/" + z.type().procName() + " " + v / 1000 + "." + String.format("%03d", v % 1000));
                }
            }
        }
        return out;
    }
}
