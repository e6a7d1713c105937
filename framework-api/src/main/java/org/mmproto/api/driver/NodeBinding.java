package org.mmproto.api.driver;

import java.util.Map;
import org.mmproto.api.ZoneType;

/**
 * A private node given to a driver by the scenario: its id, size, the zone it is onlined into,
 * and the per-node configuration from the scenario (plain YAML values).
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
