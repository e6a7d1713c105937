package org.mmproto.core.trace;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One fired tracepoint: the simulated time in nanoseconds, the task it fired in (comm, pid, the
 * CPU it runs on), the scenario line being run (0 outside a step), the node it concerns (-1 for
 * none) and the values in the tracepoint's field order. A {@code driver} value is one token,
 * the plugin id ({@link #driverId}), so a {@code key=value} reader splits the line on blanks.
 */
public record TraceEvent(long timeNs, String comm, int pid, int cpu, int line, int nid, Tracepoint point,
                         List<Object> values) {
    public TraceEvent {
        int driver = point.fields().indexOf("driver");
        if (driver >= 0 && driver < values.size() && values.get(driver) instanceof String d) {
            values = new java.util.ArrayList<>(values);
            values.set(driver, driverId(d));
        }
        values = List.copyOf(values);
        if (values.size() != point.fields().size()) {
            throw new IllegalArgumentException(point.fullName() + " takes " + point.fields().size() + " values, got "
                    + values.size());
        }
    }

    /** The TP_printk text: what follows {@code mm_page_alloc: } in the trace file. */
    public String body() {
        return String.format(Locale.ROOT, point.format(), values.toArray());
    }

    /** Field name to value, in format order. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            m.put(point.fields().get(i), values.get(i));
        }
        return m;
    }

    /**
     * The plugin id of how a run names a driver ({@code cxl-mempolicy (cxl-mempolicy-0.1.0.jar)}
     * is {@code cxl-mempolicy}), any blank left in it an underscore.
     */
    public static String driverId(String name) {
        int jar = name.indexOf(" (");
        String id = (jar > 0 ? name.substring(0, jar) : name).strip();
        return id.isEmpty() ? "-" : id.replaceAll("\\s+", "_");
    }
}
