package org.mmproto.core.scenario.step;

import java.util.List;
import java.util.Set;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.RunReport.InvariantViolation;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** CONFIG_DEBUG_VM-style invariant check of the whole machine; its violations go under invariants. */
public record Check(Meta meta) implements Step {
    public static final StepType TYPE = StepType.of("check", Check::parse);

    static Check parse(ParseContext p, Meta meta, Node opKey, Node value) {
        if (value != null) {
            MappingNode m = p.tree().mapping(value);
            p.tree().allowKeys(m, Set.of());
        }
        return new Check(meta);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Check(m);
    }

    @Override
    public StepOutcome run(RunContext run) {
        List<DebugVm.Violation> v = DebugVm.check(run.kernel().mem());
        for (DebugVm.Violation x : v) {
            run.invariant(new InvariantViolation(line(), x.kind(), x.pfn(), x.detail()));
        }
        return StepOutcome.status(v.isEmpty() ? "ok" : "violated").put("violations", (long) v.size())
                .summary(v.isEmpty() ? "invariants hold" : v.size() + " invariant violations, first: " + v.get(0));
    }

    @Override
    public boolean hasResult() {
        return false;
    }

    @Override
    public String refusesExpect() {
        return "its violations are listed under invariants";
    }
}
