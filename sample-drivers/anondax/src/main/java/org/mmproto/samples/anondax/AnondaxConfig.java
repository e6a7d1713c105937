package org.mmproto.samples.anondax;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mmproto.api.driver.NodeCap;

/**
 * anondax's per-node configuration, validated once at bind (CONTRACT R5.5: a bad value fails
 * bind(), and the run names the scenario line of the {@code drivers:} entry): the capability
 * toggles the device starts with, each 0 (default) or 1. They are the same attributes the
 * {@code driver_control} step writes while the device is unplugged.
 */
record AnondaxConfig(Set<NodeCap> caps) {
    /** The device's capability attributes, as the branch's selftests name them, and the v5 capability each sets. */
    static final Map<String, NodeCap> TOGGLES = toggles();

    private static Map<String, NodeCap> toggles() {
        Map<String, NodeCap> m = new LinkedHashMap<>();
        m.put("reclaim", NodeCap.NODE_PRIVATE_CAP_RECLAIM);
        m.put("user_numa", NodeCap.NODE_PRIVATE_CAP_USER_NUMA);
        m.put("demotion", NodeCap.NODE_PRIVATE_CAP_DEMOTION);
        m.put("numa_balancing", NodeCap.NODE_PRIVATE_CAP_NUMA_BALANCING);
        m.put("ltpin", NodeCap.NODE_PRIVATE_CAP_LTPIN);
        m.put("hotunplug", NodeCap.NODE_PRIVATE_CAP_HOTUNPLUG);
        return Map.copyOf(m);
    }

    static final List<String> KEYS = List.of("reclaim", "user_numa", "demotion", "numa_balancing", "ltpin", "hotunplug");

    static AnondaxConfig parse(int nid, Map<String, Object> config) {
        String where = "anondax: node " + nid + ": ";
        Set<NodeCap> caps = EnumSet.noneOf(NodeCap.class);
        for (Map.Entry<String, Object> e : config.entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw new IllegalArgumentException(where + "unknown config key '" + e.getKey() + "'; expected one of " + KEYS);
            }
            Object v = e.getValue();
            if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0 || ((Number) v).longValue() > 1) {
                throw new IllegalArgumentException(where + e.getKey() + ": expected 0 or 1, got '" + v + "'");
            }
            if (((Number) v).longValue() == 1) {
                caps.add(TOGGLES.get(e.getKey()));
            }
        }
        return new AnondaxConfig(caps);
    }

    /** A toggle's written value: 0 or 1, else null. */
    static Boolean toggleValue(String text) {
        return switch (text) {
            case "0" -> false;
            case "1" -> true;
            default -> null;
        };
    }
}
