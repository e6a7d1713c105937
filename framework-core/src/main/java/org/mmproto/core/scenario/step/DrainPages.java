package org.mmproto.core.scenario.step;

import java.util.Set;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.Node;

/** drain_all_pages: the per-CPU lists back to the buddy allocator. */
public record DrainPages(Meta meta) implements Step {
    public static final StepType TYPE = StepType.of("drain_pages", DrainPages::parse);

    static DrainPages parse(ParseContext p, Meta meta, Node opKey, Node value) {
        if (value != null) {
            p.tree().allowKeys(p.tree().mapping(value), Set.of());
        }
        return new DrainPages(meta);
    }

    @Override
    public Step withMeta(Meta m) {
        return new DrainPages(m);
    }

    @Override
    public StepOutcome run(RunContext run) {
        long before = run.kernel().mem().totalPcpPages();
        run.kernel().alloc().drainAllPages();
        return StepOutcome.raw(0).put("drained", before)
                .summary("drain_all_pages: " + before + " pages from the per-cpu lists back to the buddy allocator");
    }
}
