package org.mmproto.core.scenario.step;

import static org.mmproto.core.scenario.RunContext.at;
import static org.mmproto.core.scenario.RunContext.call;

import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.Len;
import org.mmproto.core.scenario.Flags;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** set_mempolicy_home_node(addr, length, home_node, flags). */
public record SetMempolicyHomeNode(Meta meta, String task, Addr addr, Len length, long homeNode, long flags)
        implements Step {
    public static final StepType TYPE = StepType.of("set_mempolicy_home_node", SetMempolicyHomeNode::parse);
    private static final Set<String> KEYS = YamlTree.keys("task", "addr", "length", "home_node", "flags");

    static SetMempolicyHomeNode parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        String task = p.task(m);
        Addr addr = p.addr(tree.require(m, "addr"));
        Len length = p.lengthOf(m, addr);
        long home = p.flags(tree.require(m, "home_node"), Flags.NONE);
        long flags = tree.get(m, "flags").map(n -> p.flags(n, Flags.NONE)).orElse(0L);
        return new SetMempolicyHomeNode(meta, task, addr, length, home, flags);
    }

    @Override
    public Step withMeta(Meta m) {
        return new SetMempolicyHomeNode(m, task, addr, length, homeNode, flags);
    }

    @Override
    public StepOutcome run(RunContext run) {
        long a = run.resolve(addr);
        StepOutcome o = StepOutcome.raw(run.numa().setMempolicyHomeNode(run.task(task), a, length.value(), homeNode,
                flags));
        return o.summary(call("set_mempolicy_home_node", o, at(addr, a), length, homeNode, flags));
    }
}
