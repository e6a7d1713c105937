package org.mmproto.core.scenario.step;

import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A step that only evaluates its expectation ({@code - expect: {...}} with no operation). Its
 * result is {@code ok} or {@code failed} by its expectations, and its {@code breaches:} count the
 * whole run so far.
 */
public record ExpectOnly(Meta meta) implements Step {
    /** Never looked up by key: a step whose only key is {@code expect:} is this step. */
    public static final StepType TYPE = StepType.of("expect", ExpectOnly::parse);

    static ExpectOnly parse(ParseContext p, Meta meta, Node opKey, Node value) {
        return new ExpectOnly(meta);
    }

    @Override
    public Step withMeta(Meta m) {
        return new ExpectOnly(m);
    }

    @Override
    public StepOutcome run(RunContext run) {
        return StepOutcome.status("ok").summary("expect");
    }

    @Override
    public boolean hasResult() {
        return false;
    }
}
