package org.mmproto.core.scenario.step;

import java.util.Set;
import org.mmproto.api.Errno;
import org.mmproto.core.config.Sizes;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Proactive reclaim of {@code size} bytes from node {@code node}, as
 * {@code echo SIZE > /sys/devices/system/node/nodeN/reclaim} (memory.reclaim's per-node form):
 * 0 when all of it was reclaimed, -EAGAIN when less was (pgscan_proactive, pgsteal_proactive).
 */
public record ReclaimStep(Meta meta, int nid, long bytes) implements Step {
    public static final StepType TYPE = StepType.of("reclaim", ReclaimStep::parse);
    private static final Set<String> KEYS = YamlTree.keys("node", "size");

    static ReclaimStep parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        Node nodeArg = tree.require(m, "node");
        int nid = tree.intValue(nodeArg, 0, Integer.MAX_VALUE);
        if (nid >= p.machine().nodeCount()) {
            throw tree.error(nodeArg, "node " + nid + " does not exist on machine " + p.machine().name() + " (nodes 0-"
                    + (p.machine().nodeCount() - 1) + "): there is no /sys/devices/system/node/node" + nid + "/reclaim");
        }
        Node sizeArg = tree.require(m, "size");
        long bytes;
        try {
            bytes = Sizes.parse(tree.string(sizeArg));
        } catch (IllegalArgumentException e) {
            throw tree.error(sizeArg, e.getMessage());
        }
        if (bytes == 0) {
            throw tree.error(sizeArg, "size 0: the reclaim file wants at least one byte");
        }
        return new ReclaimStep(meta, nid, bytes);
    }

    @Override
    public Step withMeta(Meta m) {
        return new ReclaimStep(m, nid, bytes);
    }

    @Override
    public StepOutcome run(RunContext run) {
        long pages = (bytes + 4095) >>> 12;
        long got = run.kernel().reclaim().proactive(nid, pages);
        long r = got >= pages ? 0 : -Errno.EAGAIN.code();
        return StepOutcome.raw(r).put("reclaimed", got)
                .summary("reclaim " + Sizes.format(bytes) + " from node " + nid + ": " + got + " of " + pages
                        + " pages" + (r == 0 ? "" : " = -EAGAIN"));
    }
}
