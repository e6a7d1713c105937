package org.mmproto.core.scenario.step;

import java.util.Set;
import org.mmproto.api.Errno;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepError;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.task.Task;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** fork(): {@code child} names the new task; pid 0 = next free. */
public record Fork(Meta meta, String task, String child, int pid) implements Step {
    public static final StepType TYPE = StepType.of("fork", Fork::parse).defines("child", "task");
    private static final Set<String> KEYS = YamlTree.keys("task", "child", "pid");

    static Fork parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        String parent = p.task(m);
        Node childNode = tree.require(m, "child");
        String child = p.newName(childNode, "task");
        Integer at = p.taskLine(child);
        if (at != null) {
            throw tree.error(childNode, "task '" + child + "' already exists (line " + at
                    + "); the child needs a new name");
        }
        int pid = tree.get(m, "pid").map(p::explicitPid).orElse(0);
        p.taskCreated(child, meta.line());
        return new Fork(meta, parent, child, pid);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Fork(m, task, child, pid);
    }

    @Override
    public StepOutcome run(RunContext run) {
        Task parent = run.task(task);
        Task c;
        try {
            c = run.ops().fork(parent, child, pid);
        } catch (IllegalArgumentException e) {
            throw new StepError(e.getMessage());
        }
        if (c == null) {
            return StepOutcome.raw(-Errno.ENOMEM.code())
                    .summary("fork() = -ENOMEM (vm.overcommit_memory refused the child's accounted mappings)");
        }
        run.taskCreated(child, c);
        return StepOutcome.raw(c.pid()).put("pid", (long) c.pid()).summary("fork() = " + c.pid() + " (" + child + ")");
    }
}
