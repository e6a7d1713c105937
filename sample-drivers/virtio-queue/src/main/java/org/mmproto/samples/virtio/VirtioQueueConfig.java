package org.mmproto.samples.virtio;

import java.util.List;
import java.util.Map;

/**
 * The virtio-queue driver's per-node configuration, validated once at bind (CONTRACT R5.5: a
 * bad value fails bind(), and the run names the scenario line of the {@code drivers:} entry).
 *
 * @param ringPages 4 KiB pages of virtqueue rings (descriptor table, avail and used rings) the
 *                  device keeps on its node itself, taken with allocOwn at bind; 0 to 4096
 * @param refuseKernel whether alloc_veto refuses non-folio (kernel) allocations on the node
 * @param refuseMigrateOff whether the migration filter keeps the queue memory on the node
 * @param refusePrivate whether alloc_veto refuses user folios that are not the shared memfd's page
 *                      cache (anonymous memory, a memfd faulted through a MAP_PRIVATE mapping)
 */
record VirtioQueueConfig(int ringPages, boolean refuseKernel, boolean refuseMigrateOff, boolean refusePrivate) {
    static final List<String> KEYS = List.of("ring_pages", "kernel_allocs", "migrate_off", "private_allocs");
    static final int MAX_RING_PAGES = 4096;

    static VirtioQueueConfig parse(int nid, Map<String, Object> config) {
        String where = "virtio-queue: node " + nid + ": ";
        for (String key : config.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(where + "unknown config key '" + key + "'; expected one of " + KEYS);
            }
        }
        Object rp = config.getOrDefault("ring_pages", 16);
        if (!(rp instanceof Integer || rp instanceof Long) || ((Number) rp).longValue() < 0
                || ((Number) rp).longValue() > MAX_RING_PAGES) {
            throw new IllegalArgumentException(where + "ring_pages: expected a number of 4 KiB pages from 0 to "
                    + MAX_RING_PAGES + ", got '" + rp + "'");
        }
        return new VirtioQueueConfig(((Number) rp).intValue(),
                refuse(where + "kernel_allocs", config.getOrDefault("kernel_allocs", "refuse")),
                refuse(where + "migrate_off", config.getOrDefault("migrate_off", "refuse")),
                refuse(where + "private_allocs", config.getOrDefault("private_allocs", "refuse")));
    }

    private static boolean refuse(String what, Object value) {
        return switch (String.valueOf(value).strip()) {
            case "refuse" -> true;
            case "allow" -> false;
            default -> throw new IllegalArgumentException(what + ": expected refuse or allow, got '" + value + "'");
        };
    }
}
