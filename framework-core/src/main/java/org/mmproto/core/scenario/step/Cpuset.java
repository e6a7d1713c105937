package org.mmproto.core.scenario.step;

import java.util.Set;
import org.mmproto.api.NodeMask;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** The task's cpuset.mems. */
public record Cpuset(Meta meta, String task, NodeMask mems) implements Step {
    public static final StepType TYPE = StepType.of("cpuset", Cpuset::parse);
    private static final Set<String> KEYS = YamlTree.keys("task", "mems");

    static Cpuset parse(ParseContext p, Meta meta, Node opKey, Node value) {
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        return new Cpuset(meta, p.task(m), p.nodeList(p.tree().require(m, "mems")));
    }

    @Override
    public Step withMeta(Meta m) {
        return new Cpuset(m, task, mems);
    }

    @Override
    public StepOutcome run(RunContext run) {
        run.task(task).setMemsAllowed(mems);
        return StepOutcome.raw(0).summary("cpuset.mems = " + mems);
    }
}
