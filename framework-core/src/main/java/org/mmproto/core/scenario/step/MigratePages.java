package org.mmproto.core.scenario.step;

import static org.mmproto.core.scenario.RunContext.call;
import static org.mmproto.core.scenario.RunContext.pidName;

import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.Args.MaskArg;
import org.mmproto.core.scenario.Args.PidRef;
import org.mmproto.core.scenario.Flags;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** migrate_pages(pid, maxnode, old_nodes, new_nodes). */
public record MigratePages(Meta meta, String task, PidRef pid, long maxnode, MaskArg oldNodes, MaskArg newNodes)
        implements Step {
    public static final StepType TYPE = StepType.of("migrate_pages", MigratePages::parse);
    private static final Set<String> KEYS = YamlTree.keys("task", "pid", "maxnode", "old_nodes", "new_nodes");

    static MigratePages parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        String task = p.task(m);
        PidRef pid = tree.get(m, "pid").map(p::pidRef).orElse(PidRef.SELF);
        MaskArg oldNodes = p.mask(m, "old_nodes");
        MaskArg newNodes = p.mask(m, "new_nodes");
        long maxnode = tree.get(m, "maxnode").map(n -> p.flags(n, Flags.NONE))
                .orElse(Math.max(oldNodes.defaultMaxnode(), newNodes.defaultMaxnode()));
        return new MigratePages(meta, task, pid, maxnode, oldNodes, newNodes);
    }

    @Override
    public Step withMeta(Meta m) {
        return new MigratePages(m, task, pid, maxnode, oldNodes, newNodes);
    }

    @Override
    public StepOutcome run(RunContext run) {
        int p = run.pid(pid);
        StepOutcome o = StepOutcome.raw(run.numa().migratePages(run.task(task), p, maxnode,
                oldNodes.toUserMask(maxnode), newNodes.toUserMask(maxnode)));
        return o.summary(call("migrate_pages", o, p + pidName(pid), maxnode, oldNodes, newNodes));
    }
}
