package org.mmproto.core.scenario.step;

import java.util.Set;
import org.mmproto.core.config.Sizes;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.task.ShmemFile;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** memfd_create(name) + ftruncate(size); {@code name} is also how mmap's {@code fd:} refers to it. */
public record MemfdCreate(Meta meta, String task, String name, long size) implements Step {
    public static final StepType TYPE = StepType.of("memfd_create", MemfdCreate::parse).defines("name", "memfd");
    private static final Set<String> KEYS = YamlTree.keys("task", "name", "size");

    static MemfdCreate parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        String task = p.task(m);
        String name = p.newName(tree.require(m, "name"), "memfd");
        long size = tree.size(tree.require(m, "size"));
        p.memfdDefined(name, meta.line());
        return new MemfdCreate(meta, task, name, size);
    }

    @Override
    public Step withMeta(Meta m) {
        return new MemfdCreate(m, task, name, size);
    }

    @Override
    public StepOutcome run(RunContext run) {
        ShmemFile f = run.ops().memfdCreate(run.task(task), name, size);
        int fd = run.memfdCreated(name, f);
        return StepOutcome.raw(fd).put("fd", (long) fd).summary(name + " = memfd_create(\"" + name + "\") = " + fd
                + "; ftruncate(" + fd + ", " + Sizes.format(size) + ")");
    }
}
