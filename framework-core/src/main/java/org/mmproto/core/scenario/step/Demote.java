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
 * Demotion on demand: up to {@code pages} pages of folios from the tail of node {@code node}'s
 * anon LRU lists go through demote_folio_list to the node's demotion target (pgdemote_proactive,
 * MR_DEMOTION). 0 when all were demoted, -EAGAIN when fewer were (demotion off, no target, the
 * design or driver refused, the target full).
 */
public record Demote(Meta meta, int nid, long pages) implements Step {
    public static final StepType TYPE = StepType.of("demote", Demote::parse);
    private static final Set<String> KEYS = YamlTree.keys("node", "pages");

    static Demote parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        int nid = TierSteps.node(p, tree.require(m, "node"));
        long pages = tree.longValue(tree.require(m, "pages"), 1, 1L << 40);
        return new Demote(meta, nid, pages);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Demote(m, nid, pages);
    }

    @Override
    public StepOutcome run(RunContext run) {
        long got = run.kernel().tiering().demote(nid, pages);
        return TierSteps.outcome(got, pages, "demote " + pages + " pages from node " + nid + ": " + got + " demoted");
    }
}
