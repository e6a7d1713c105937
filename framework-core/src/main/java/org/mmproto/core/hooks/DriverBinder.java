package org.mmproto.core.hooks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.machine.NodeSpec;

/**
 * node_private_register + node_private_set_ops, after the engine booted: binds each requested
 * driver to its private node, enforcing the RFC's rules (one owner per node, the node must exist
 * and be private, NP_OPS dependencies against the callbacks the driver's class implements).
 * Creating the driver and its bind() run on the driver's lane, under the run's budget
 * (CONTRACT R1.3, R3.5). Errors name the plugin (and its jar), the node and the scenario line;
 * nothing is half-bound.
 */
public final class DriverBinder {
    private DriverBinder() {
    }

    /**
     * @param constructing told the node's context before a driver is created for it and null
     *                     after, so that a constructor injecting {@link DriverContext} gets it
     */
    public static Map<Integer, BoundDriver> bind(MachineSpec machine, List<DriverSpec> specs, Containment containment,
            NodeServices services, Consumer<DriverContext> constructing) {
        Map<Integer, BoundDriver> out = new HashMap<>();
        for (DriverSpec s : specs) {
            NodeSpec ns = checkNode(machine, s, out);
            ZoneType zone = ns.movableBytes() >= ns.sizeBytes() ? ZoneType.MOVABLE : ZoneType.NORMAL;
            NodeBinding binding = new NodeBinding(s.nid(), ns.sizeBytes() >> 12, zone, s.config());
            KernelDriverContext ctx = new KernelDriverContext(s.nid(), zone, services.mem(), services.alloc(),
                    services.folioRelease(), services.owner(), containment.lane(s.pluginId(), s.nid()));
            ctx.attachHotplug(services.hotplug());
            ctx.attachWork(services.work());
            PrivateNodeDriver[] driver = new PrivateNodeDriver[1];
            NodeOptIns optIns;
            try {
                optIns = containment.bind(s.pluginId(), s.nid(), () -> {
                    constructing.accept(ctx);
                    try {
                        driver[0] = s.factory().get();
                    } finally {
                        constructing.accept(null);
                    }
                    if (driver[0] == null) {
                        return null;
                    }
                    return driver[0].bind(binding, ctx);
                });
            } catch (Containment.BindFailure e) {
                String what = !e.kind().equals("timeout") && driver[0] == null ? "could not be created for" : "failed to bind";
                throw error(s, "driver " + s.pluginId() + " " + what + " node " + s.nid() + " (ZONE_" + zone + "): "
                        + (e.kind().equals("null") ? (driver[0] == null ? "the factory" : "bind()") + " returned null"
                        : e.getMessage()));
            }
            Set<Hook> hooks = HookMethods.implemented(driver[0].getClass());
            List<String> bad = new ArrayList<>(NpOps.violations(optIns.flags(), hooks));
            bad.addAll(NodeCap.violations(optIns.caps()));
            if (!bad.isEmpty()) {
                throw error(s, "driver " + s.pluginId() + " declares inconsistent opt-ins " + optIns.flags()
                        + (optIns.caps().isEmpty() ? "" : " " + optIns.caps()) + " for node "
                        + s.nid() + ": " + String.join("; ", bad));
            }
            out.put(s.nid(), new BoundDriver(s.pluginId(), driver[0], binding, optIns, hooks, ctx));
        }
        return out;
    }

    private static NodeSpec checkNode(MachineSpec machine, DriverSpec s, Map<Integer, BoundDriver> bound) {
        if (s.nid() < 0 || s.nid() >= machine.nodeCount()) {
            throw error(s, "driver " + s.pluginId() + " binds node " + s.nid() + " but the machine has nodes 0-"
                    + (machine.nodeCount() - 1));
        }
        NodeSpec ns = machine.nodes().get(s.nid());
        if (!ns.isPrivate()) {
            throw error(s, "driver " + s.pluginId() + " binds node " + s.nid()
                    + ", which is not a private node (mark it `private: true` in the machine)");
        }
        if (bound.containsKey(s.nid())) {
            throw error(s, "node " + s.nid() + " already has a driver (" + bound.get(s.nid()).pluginId()
                    + "): node_private_register allows one owner (-EBUSY)");
        }
        return ns;
    }

    private static ConfigException error(DriverSpec s, String message) {
        return new ConfigException(s.source(), s.line(), 0, message);
    }
}
