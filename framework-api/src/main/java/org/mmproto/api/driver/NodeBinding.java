package org.mmproto.api.driver;

import java.util.Map;
import org.mmproto.api.ZoneType;

/**
 * A private node given to a driver by the scenario: its id, size, the zone the machine file
 * onlines it into (the one place a node's zone is declared: {@code online:} on the node; R5.4),
 * and the per-node configuration from the scenario (plain YAML values). A driver that cannot
 * work in that zone refuses the node by throwing from bind() (R5.5).
 */
public record NodeBinding(int nid, long pages, ZoneType zone, Map<String, Object> config) {
    public NodeBinding {
        config = Map.copyOf(config);
    }

    public long longConfig(String key, long dflt) {
        Object v = config.get(key);
        return v instanceof Number n ? n.longValue() : dflt;
    }

    public String stringConfig(String key, String dflt) {
        Object v = config.get(key);
        return v == null ? dflt : v.toString();
    }
}
