package org.mmproto.samples.accel;

import java.util.List;
import java.util.Map;

/**
 * The accelerator driver's per-node configuration, validated once at bind (CONTRACT R5.5: a bad
 * value fails bind(), and the run names the scenario line of the {@code drivers:} entry).
 *
 * @param contextOrder the order of the per-task device page-table block allocOwn takes from the
 *                     node (2^order 4 KiB pages), 0 to 10; default 0
 */
record AcceleratorConfig(int contextOrder) {
    static final List<String> KEYS = List.of("context_order");

    static AcceleratorConfig parse(int nid, Map<String, Object> config) {
        String where = "accelerator: node " + nid + ": ";
        for (String key : config.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(where + "unknown config key '" + key + "'; expected one of " + KEYS);
            }
        }
        Object o = config.getOrDefault("context_order", 0);
        if (!(o instanceof Integer || o instanceof Long) || ((Number) o).longValue() < 0 || ((Number) o).longValue() > 10) {
            throw new IllegalArgumentException(where + "context_order: expected a page order from 0 to 10, got '" + o + "'");
        }
        return new AcceleratorConfig(((Number) o).intValue());
    }
}
