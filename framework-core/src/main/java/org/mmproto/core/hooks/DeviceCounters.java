package org.mmproto.core.hooks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The counters a driver reports for its node (CONTRACT R1.9): latest value per name, first-reported order. */
public final class DeviceCounters {
    public static final int MAX_NAMES = 16;
    /** The series names of reportPressure and reportCapacity (R1.6). */
    public static final java.util.Set<String> RESERVED = java.util.Set.of("pressure", "capacity_pages");
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,32}");

    private final Map<String, Long> values = new LinkedHashMap<>();

    /** Records {@code value} under {@code name}; rejects a malformed name or one past {@link #MAX_NAMES}. */
    public void report(String name, long value) {
        check(name);
        if (!values.containsKey(name) && values.size() == MAX_NAMES) {
            throw new IllegalArgumentException("counter '" + name + "': a node keeps at most " + MAX_NAMES
                    + " counter names (has " + String.join(", ", values.keySet()) + ")");
        }
        values.put(name, value);
    }

    /** The R1.9 name rule, for contexts that check without recording. */
    public static void check(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("counter name '" + name + "': expected 1-32 of [a-z0-9_]");
        }
        if (RESERVED.contains(name)) {
            throw new IllegalArgumentException("counter name '" + name + "' is reserved: report it with "
                    + (name.equals("pressure") ? "reportPressure" : "reportCapacity"));
        }
    }

    /** Name to latest value, in the order first reported. */
    public Map<String, Long> values() {
        return Collections.unmodifiableMap(values);
    }
}
