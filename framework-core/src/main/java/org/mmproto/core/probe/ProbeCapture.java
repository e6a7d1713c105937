package org.mmproto.core.probe;

import java.util.Locale;
import org.mmproto.core.trace.Tracepoint;
import org.mmproto.core.trace.Tracer;

/**
 * Where a capturing probe's values go: on entry a {@code kprobes:probe} event with the arguments,
 * on exit a {@code kprobes:retprobe} event with the return value, as {@code p:} and {@code r:}
 * lines of kprobe_events record {@code $arg1..} and {@code $retval}. Integral values print as
 * {@code 0x%x} (kprobes' default x64 type), others by their string without blanks, null as
 * {@code (null)}; a method that threw prints {@code ret=!ExceptionName}.
 */
final class ProbeCapture {
    private final String name;
    private final boolean args;
    private final boolean ret;
    private final Tracer tracer;

    ProbeCapture(String name, boolean args, boolean ret, Tracer tracer) {
        this.name = name;
        this.args = args;
        this.ret = ret;
        this.tracer = tracer;
    }

    void entered(Object[] values) {
        if (args && tracer.on(Tracepoint.KPROBE)) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                b.append(" arg").append(i + 1).append('=').append(value(values[i]));
            }
            tracer.emit(Tracepoint.KPROBE, -1, name, b.toString());
        }
    }

    void returned(Object value, Throwable thrown) {
        if (ret && tracer.on(Tracepoint.KRETPROBE)) {
            tracer.emit(Tracepoint.KRETPROBE, -1, name, thrown != null ? "!" + thrown.getClass().getSimpleName()
                    : value(value));
        }
    }

    /** One value as the trace prints it. */
    static String value(Object v) {
        if (v == null) {
            return "(null)";
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return String.format(Locale.ROOT, "0x%x", v);
        }
        String s = String.valueOf(v).replaceAll("\\s+", "");
        return s.isEmpty() ? "\"\"" : s;
    }
}
