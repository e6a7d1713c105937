package org.mmproto.core.scenario.step;

import static org.mmproto.core.scenario.RunContext.call;

import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.Args.MaskArg;
import org.mmproto.core.scenario.Flags;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** set_mempolicy(mode, nodemask, maxnode). */
public record SetMempolicy(Meta meta, String task, long mode, MaskArg nodemask, long maxnode) implements Step {
    public static final StepType TYPE = StepType.of("set_mempolicy", SetMempolicy::parse);
    private static final Set<String> KEYS = YamlTree.keys("task", "mode", "nodemask", "maxnode");

    static SetMempolicy parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        String task = p.task(m);
        long mode = p.flags(tree.require(m, "mode"), Flags.MPOL_MODE);
        MaskArg mask = p.mask(m, "nodemask");
        long maxnode = tree.get(m, "maxnode").map(n -> p.flags(n, Flags.NONE)).orElse(mask.defaultMaxnode());
        return new SetMempolicy(meta, task, mode, mask, maxnode);
    }

    @Override
    public Step withMeta(Meta m) {
        return new SetMempolicy(m, task, mode, nodemask, maxnode);
    }

    @Override
    public StepOutcome run(RunContext run) {
        StepOutcome o = StepOutcome.raw(run.numa().setMempolicy(run.task(task), (int) mode,
                nodemask.toUserMask(maxnode), maxnode));
        return o.summary(call("set_mempolicy", o, Flags.MPOL_MODE.format(mode), nodemask, maxnode));
    }
}
