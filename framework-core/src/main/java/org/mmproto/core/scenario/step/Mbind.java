package org.mmproto.core.scenario.step;

import static org.mmproto.core.scenario.RunContext.at;
import static org.mmproto.core.scenario.RunContext.call;

import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.Len;
import org.mmproto.core.scenario.Args.MaskArg;
import org.mmproto.core.scenario.Flags;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** mbind(addr, length, mode, nodemask, maxnode, flags). */
public record Mbind(Meta meta, String task, Addr addr, Len length, long mode, MaskArg nodemask, long maxnode,
                    long flags) implements Step {
    public static final StepType TYPE = StepType.of("mbind", Mbind::parse);
    private static final Set<String> KEYS = YamlTree.keys("task", "addr", "length", "mode", "nodemask", "maxnode",
            "flags");

    static Mbind parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        String task = p.task(m);
        Addr addr = p.addr(tree.require(m, "addr"));
        Len length = p.lengthOf(m, addr);
        long mode = p.flags(tree.require(m, "mode"), Flags.MPOL_MODE);
        MaskArg mask = p.mask(m, "nodemask");
        long maxnode = tree.get(m, "maxnode").map(n -> p.flags(n, Flags.NONE)).orElse(mask.defaultMaxnode());
        long flags = tree.get(m, "flags").map(n -> p.flags(n, Flags.MPOL_MF)).orElse(0L);
        return new Mbind(meta, task, addr, length, mode, mask, maxnode, flags);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Mbind(m, task, addr, length, mode, nodemask, maxnode, flags);
    }

    @Override
    public StepOutcome run(RunContext run) {
        long a = run.resolve(addr);
        StepOutcome o = StepOutcome.raw(run.numa().mbind(run.task(task), a, length.value(), (int) mode,
                nodemask.toUserMask(maxnode), maxnode, (int) flags));
        return o.summary(call("mbind", o, at(addr, a), length, Flags.MPOL_MODE.format(mode), nodemask, maxnode,
                Flags.MPOL_MF.format(flags)));
    }
}
