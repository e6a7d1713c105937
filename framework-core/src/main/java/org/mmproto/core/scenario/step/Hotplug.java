package org.mmproto.core.scenario.step;

import java.util.Set;
import org.mmproto.api.Errno;
import org.mmproto.api.driver.HotplugState;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Moves node {@code node}'s memory to {@code state} ({@code unplugged}, {@code online_movable},
 * {@code online_kernel}): a node a driver owns through the device's {@code hotplug} attribute
 * (the driver's device_control decides, CONTRACT R7.3-R7.4), any other node the machine declares
 * {@code online: none} through its memory block's state, as /sys/devices/system/memory would.
 */
public record Hotplug(Meta meta, int nid, HotplugState state) implements Step {
    public static final StepType TYPE = StepType.of("hotplug", Hotplug::parse);
    private static final Set<String> KEYS = YamlTree.keys("node", "state");

    static Hotplug parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        Node nodeArg = tree.require(m, "node");
        int nid = tree.intValue(nodeArg, 0, Integer.MAX_VALUE);
        if (nid >= p.machine().nodeCount()) {
            throw tree.error(nodeArg, "node " + nid + " does not exist on machine " + p.machine().name());
        }
        Node stateArg = tree.require(m, "state");
        String s = tree.string(stateArg).strip();
        HotplugState state = HotplugState.parse(s);
        if (state == null) {
            throw tree.error(stateArg, "state: expected unplugged, online_movable or online_kernel, got '" + s + "'");
        }
        return new Hotplug(meta, nid, state);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Hotplug(m, nid, state);
    }

    @Override
    public StepOutcome run(RunContext run) {
        Kernel k = run.kernel();
        long r;
        String via;
        if (k.boundDriver(nid).isPresent()) {
            r = DeviceControlCall.write(run, nid, "hotplug", state.sysfsName());
            via = "the device's hotplug attribute";
        } else if (k.hotplug() != null) {
            r = k.hotplug().set(nid, state);
            via = "the node's memory blocks";
        } else {
            r = -Errno.EINVAL.code();
            via = "no hotplug";
        }
        var now = k.hotplug() == null ? null : k.hotplug().state(nid);
        StepOutcome o = StepOutcome.raw(r).put("state", now == null ? "none" : now.sysfsName());
        return o.summary("echo " + state.sysfsName() + " > node" + nid + " hotplug (" + via + ") = "
                + (r == 0 ? "ok" : "-" + Expectations.resultName(r)) + "; now " + o.get("state"));
    }

    @Override
    public java.util.List<String> expectFields() {
        return java.util.List.of("state");
    }

    @Override
    public Expectations.Expected expectField(String key, Node v, org.mmproto.core.scenario.ExpectationParser p) {
        return new Expectations.Text(p.tree().string(v).strip());
    }
}
