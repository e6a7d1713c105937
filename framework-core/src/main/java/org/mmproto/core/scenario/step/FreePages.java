package org.mmproto.core.scenario.step;

import java.util.List;
import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Frees every allocation held under {@code name} with __free_pages. */
public record FreePages(Meta meta, String name) implements Step {
    public static final StepType TYPE = StepType.of("free_pages", FreePages::parse);
    private static final Set<String> KEYS = YamlTree.keys("name");

    static FreePages parse(ParseContext p, Meta meta, Node opKey, Node value) {
        Node nameNode;
        if (value instanceof ScalarNode) {
            nameNode = value;
        } else {
            nameNode = p.tree().require(p.args(value, opKey, meta.op(), KEYS), "name");
        }
        return new FreePages(meta, p.group(nameNode));
    }

    @Override
    public Step withMeta(Meta m) {
        return new FreePages(m, name);
    }

    @Override
    public StepOutcome run(RunContext run) {
        List<long[]> g = run.groupOrEmpty(name);
        long pages = 0;
        for (long[] a : g) {
            run.kernel().alloc().freePages(a[0], (int) a[1]);
            pages += 1L << a[1];
        }
        int n = g.size();
        g.clear();
        return StepOutcome.raw(0).put("freed", (long) n)
                .summary("__free_pages x" + n + " (" + name + ", " + pages + " pages)");
    }
}
