package org.mmproto.core.scenario.step;

import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** exit() of a task ({@code exit: a} or {@code exit: {task: a}}); later system calls from it are errors. */
public record Exit(Meta meta, String task) implements Step {
    public static final StepType TYPE = StepType.of("exit", Exit::parse);
    private static final Set<String> KEYS = YamlTree.keys("task");

    static Exit parse(ParseContext p, Meta meta, Node opKey, Node value) {
        String task;
        if (value instanceof ScalarNode s) {
            task = p.taskRef(s, true);
        } else {
            task = p.task(p.args(value, opKey, meta.op(), KEYS));
        }
        p.taskExited(task, meta.line());
        return new Exit(meta, task);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Exit(m, task);
    }

    @Override
    public StepOutcome run(RunContext run) {
        run.ops().exit(run.task(task));
        return StepOutcome.raw(0).summary("exit()");
    }
}
