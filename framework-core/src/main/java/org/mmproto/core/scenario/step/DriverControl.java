package org.mmproto.core.scenario.step;

import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Writes {@code value} to the control attribute {@code attr} of node {@code node}'s device (a
 * sysfs store; the driver's device_control answers, CONTRACT R7.3), e.g. a capability toggle
 * {@code {node: 2, attr: user_numa, value: 1}}. ENODEV when no driver owns the node.
 */
public record DriverControl(Meta meta, int nid, String attr, String value) implements Step {
    public static final StepType TYPE = StepType.of("driver_control", DriverControl::parse);
    private static final Set<String> KEYS = YamlTree.keys("node", "attr", "value");

    static DriverControl parse(ParseContext p, Meta meta, Node opKey, Node v) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(v, opKey, meta.op(), KEYS);
        Node nodeArg = tree.require(m, "node");
        int nid = tree.intValue(nodeArg, 0, Integer.MAX_VALUE);
        if (nid >= p.machine().nodeCount()) {
            throw tree.error(nodeArg, "node " + nid + " does not exist on machine " + p.machine().name());
        }
        Node attrArg = tree.require(m, "attr");
        String attr = tree.string(attrArg).strip();
        if (!attr.matches("[a-z][a-z0-9_]*")) {
            throw tree.error(attrArg, "attr: expected a sysfs attribute name ([a-z][a-z0-9_]*), got '" + attr + "'");
        }
        return new DriverControl(meta, nid, attr, tree.string(tree.require(m, "value")).strip());
    }

    @Override
    public Step withMeta(Meta m) {
        return new DriverControl(m, nid, attr, value);
    }

    @Override
    public StepOutcome run(RunContext run) {
        long r = DeviceControlCall.write(run, nid, attr, value);
        return StepOutcome.raw(r).summary("echo " + value + " > node" + nid + " device " + attr + " = "
                + (r == 0 ? "ok" : "-" + Expectations.resultName(r)));
    }
}
