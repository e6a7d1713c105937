package org.mmproto.core.scenario.step;

import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Promotion on demand: up to {@code pages} pages of folios from the tail of node {@code node}'s
 * anon LRU lists are promotion candidates for node {@code to} (as a device's nominated hot pages:
 * the free-space check, the promotion rate limit, Site.PROMOTION, migrate_misplaced_folio).
 * 0 when all moved, -EAGAIN when fewer did.
 */
public record Promote(Meta meta, int nid, int to, long pages) implements Step {
    public static final StepType TYPE = StepType.of("promote", Promote::parse);
    private static final Set<String> KEYS = YamlTree.keys("node", "to", "pages");

    static Promote parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        int nid = TierSteps.node(p, tree.require(m, "node"));
        int to = TierSteps.node(p, tree.require(m, "to"));
        long pages = tree.longValue(tree.require(m, "pages"), 1, 1L << 40);
        return new Promote(meta, nid, to, pages);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Promote(m, nid, to, pages);
    }

    @Override
    public StepOutcome run(RunContext run) {
        long got = run.kernel().tiering().promote(nid, to, pages);
        return TierSteps.outcome(got, pages, "promote " + pages + " pages from node " + nid + " to node " + to + ": "
                + got + " promoted");
    }
}
