package org.mmproto.core.scenario.step;

import java.util.Set;
import java.util.TreeSet;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.task.Task;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** setuid/capset: null keeps the current value ({@code caps: null} drops every capability). */
public record SetCredentials(Meta meta, String task, Integer uid, Set<String> caps) implements Step {
    public static final StepType TYPE = StepType.of("set_credentials", SetCredentials::parse);
    private static final Set<String> KEYS = YamlTree.keys("task", "uid", "caps");

    static SetCredentials parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        String task = p.task(m);
        Integer uid = tree.get(m, "uid").map(n -> tree.intValue(n, 0, Integer.MAX_VALUE)).orElse(null);
        Set<String> caps = null;
        for (NodeTuple t : m.getValue()) {
            if (((ScalarNode) t.getKeyNode()).getValue().equals("caps")) {
                caps = tree.isNull(t.getValueNode()) ? Set.of() : p.caps(t.getValueNode());
            }
        }
        if (uid == null && caps == null) {
            throw tree.error(m, "set_credentials needs uid: or caps: (or both)");
        }
        return new SetCredentials(meta, task, uid, caps);
    }

    @Override
    public Step withMeta(Meta m) {
        return new SetCredentials(m, task, uid, caps);
    }

    @Override
    public StepOutcome run(RunContext run) {
        Task t = run.task(task);
        t.setCredentials(uid != null ? uid : t.uid(), caps != null ? caps : t.caps());
        return StepOutcome.raw(0).summary("uid " + t.uid() + ", caps " + (t.caps().isEmpty() ? "none"
                : String.join(",", new TreeSet<>(t.caps()))));
    }
}
