package org.mmproto.core.scenario.step;

import static org.mmproto.core.scenario.RunContext.at;

import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepError;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.task.MemoryFailure;
import org.mmproto.core.task.Task;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** memory_failure of the page mapped at addr in task (hardware poison, as madvise(MADV_HWPOISON) injects it). */
public record MemoryFailureStep(Meta meta, String task, Addr addr) implements Step {
    public static final StepType TYPE = StepType.of("memory_failure", MemoryFailureStep::parse);
    private static final Set<String> KEYS = YamlTree.keys("task", "addr");

    static MemoryFailureStep parse(ParseContext p, Meta meta, Node opKey, Node value) {
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        return new MemoryFailureStep(meta, p.task(m), p.addr(p.tree().require(m, "addr")));
    }

    @Override
    public Step withMeta(Meta m) {
        return new MemoryFailureStep(m, task, addr);
    }

    @Override
    public StepOutcome run(RunContext run) {
        Task t = run.task(task);
        long a = run.resolve(addr);
        long folio = run.ops().folioAt(t, a);
        if (folio < 0) {
            throw new StepError("nothing is mapped at " + at(addr, a) + " to poison");
        }
        int r = run.kernel().memoryFailure().poison(folio);
        return StepOutcome.raw(r).summary(String.format("memory_failure(pfn 0x%x, node %d) at %s", folio,
                run.kernel().memmap().nid(folio), at(addr, a)) + (r == 0 ? "" : " = -" + Expectations.resultName(r)));
    }
}
