package org.mmproto.core.scenario.step;

import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** unpin_user_pages of the folios a pin_user_pages step bound to {@code name}. */
public record UnpinUserPages(Meta meta, String name) implements Step {
    public static final StepType TYPE = StepType.of("unpin_user_pages", UnpinUserPages::parse);
    private static final Set<String> KEYS = YamlTree.keys("name");

    static UnpinUserPages parse(ParseContext p, Meta meta, Node opKey, Node value) {
        Node nameNode = value instanceof ScalarNode ? value
                : p.tree().require(p.args(value, opKey, meta.op(), KEYS), "name");
        return new UnpinUserPages(meta, p.group(nameNode));
    }

    @Override
    public Step withMeta(Meta m) {
        return new UnpinUserPages(m, name);
    }

    @Override
    public StepOutcome run(RunContext run) {
        // like free_pages of an empty group: a pin that failed left nothing to undo
        long[] heads = run.takePins(name);
        run.kernel().gup().unpin(heads);
        return StepOutcome.raw(0).summary("unpin_user_pages(" + name + ", " + heads.length + ")");
    }
}
