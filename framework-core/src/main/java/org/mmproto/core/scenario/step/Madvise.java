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

/** madvise(addr, length, advice). */
public record Madvise(Meta meta, String task, Addr addr, Len length, long advice) implements Step {
    public static final StepType TYPE = StepType.of("madvise", Madvise::parse);
    private static final Set<String> KEYS = YamlTree.keys("task", "addr", "length", "advice");

    static Madvise parse(ParseContext p, Meta meta, Node opKey, Node value) {
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        Addr addr = p.addr(p.tree().require(m, "addr"));
        return new Madvise(meta, p.task(m), addr, p.lengthOf(m, addr), p.flags(p.tree().require(m, "advice"), Flags.MADV));
    }

    @Override
    public Step withMeta(Meta m) {
        return new Madvise(m, task, addr, length, advice);
    }

    @Override
    public StepOutcome run(RunContext run) {
        long a = run.resolve(addr);
        StepOutcome o = StepOutcome.raw(run.ops().madvise(run.task(task), a, length.value(), (int) advice));
        return o.summary(call("madvise", o, at(addr, a), length, Flags.MADV.format(advice)));
    }
}
