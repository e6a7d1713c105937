package org.mmproto.core.hooks;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.machine.NodeSpec;

/**
 * node_private_register + node_private_set_ops: binds each requested driver to its private node,
 * enforcing the RFC's rules (one owner per node, the node must exist and be private, NP_OPS
 * dependencies against the callbacks the driver implements). Errors name the plugin and the
 * scenario line; nothing is half-bound.
 */
public final class DriverBinder {
    private DriverBinder() {
    }

    public static Map<Integer, BoundDriver> bind(MachineSpec machine, List<DriverSpec> specs, DriverContext context) {
        Map<Integer, BoundDriver> out = new HashMap<>();
        for (DriverSpec s : specs) {
            if (s.nid() < 0 || s.nid() >= machine.nodeCount()) {
                throw new ConfigException(s.source(), s.line(), 0, "driver " + s.pluginId() + " binds node " + s.nid()
                        + " but the machine has nodes 0-" + (machine.nodeCount() - 1));
            }
            NodeSpec ns = machine.nodes().get(s.nid());
            if (!ns.isPrivate()) {
                throw new ConfigException(s.source(), s.line(), 0, "driver " + s.pluginId() + " binds node " + s.nid()
                        + ", which is not a private node (mark it `private: true` in the machine)");
            }
            if (out.containsKey(s.nid())) {
                throw new ConfigException(s.source(), s.line(), 0, "node " + s.nid() + " already has a driver ("
                        + out.get(s.nid()).pluginId() + "): node_private_register allows one owner (-EBUSY)");
            }
            ZoneType zone = ns.movableBytes() >= ns.sizeBytes() ? ZoneType.MOVABLE : ZoneType.NORMAL;
            NodeBinding binding = new NodeBinding(s.nid(), ns.sizeBytes() >> 12, zone, s.config());
            PrivateNodeDriver driver;
            NodeOptIns optIns;
            java.util.Set<Hook> hooks;
            try {
                driver = s.factory().get();
                optIns = driver.bind(binding, context);
                hooks = driver.hooks();
            } catch (RuntimeException | LinkageError e) {
                throw new ConfigException(s.source(), s.line(), 0, "driver " + s.pluginId() + " failed to bind node "
                        + s.nid() + ": " + e);
            }
            if (optIns == null || hooks == null) {
                throw new ConfigException(s.source(), s.line(), 0, "driver " + s.pluginId() + " returned null from "
                        + (optIns == null ? "bind()" : "hooks()") + " for node " + s.nid());
            }
            List<String> bad = NpOps.violations(optIns.flags(), hooks.isEmpty() ? EnumSet.noneOf(Hook.class) : EnumSet.copyOf(hooks));
            if (!bad.isEmpty()) {
                throw new ConfigException(s.source(), s.line(), 0, "driver " + s.pluginId() + " declares inconsistent opt-ins "
                        + optIns.flags() + " for node " + s.nid() + ": " + String.join("; ", bad));
            }
            if (optIns.onlineZone() != zone) {
                throw new ConfigException(s.source(), s.line(), 0, "driver " + s.pluginId() + " onlines node " + s.nid()
                        + " into ZONE_" + optIns.onlineZone() + " but the machine places it in ZONE_" + zone
                        + " (set `online: " + optIns.onlineZone().name().toLowerCase(java.util.Locale.ROOT) + "` on the node)");
            }
            out.put(s.nid(), new BoundDriver(s.pluginId(), driver, binding, optIns));
        }
        return out;
    }
}
