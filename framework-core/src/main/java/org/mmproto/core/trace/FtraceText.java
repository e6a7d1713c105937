package org.mmproto.core.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ftrace {@code trace} file: the nop tracer's header, then one line per event in
 * trace_output.c's layout ({@code comm-pid [cpu] flags seconds.micros: event: body}), the flags
 * all {@code .} (the simulated kernel runs no interrupts and never disables preemption).
 */
public final class FtraceText implements TraceSink {
    /** A line of the trace file, as {@link #parse} reads it back. */
    public record Line(String comm, int pid, int cpu, long timeUs, String event, String body) {
    }

    private static final Pattern LINE = Pattern.compile(
            "^\\s*(.+)-(\\d+)\\s+\\[(\\d{3})] \\S{5}\\s+(\\d+)\\.(\\d{6}): (\\w+): (.*)$");

    private final Writer out;

    public FtraceText(Writer out) {
        this.out = out;
        write("# tracer: nop\n#\n"
                + "#                                _-----=> irqs-off/BH-disabled\n"
                + "#                               / _----=> need-resched\n"
                + "#                              | / _---=> hardirq/softirq\n"
                + "#                              || / _--=> preempt-depth\n"
                + "#                              ||| / _-=> migrate-disable\n"
                + "#                              |||| /     delay\n"
                + "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
                + "#              | |         |   |||||     |         |\n");
    }

    @Override
    public void event(TraceEvent e) {
        long us = e.timeNs() / 1000;
        write(String.format(Locale.ROOT, "%16s-%-7d [%03d] ..... %5d.%06d: %s: %s%n", e.comm(), e.pid(), e.cpu(),
                us / 1_000_000, us % 1_000_000, e.point().event(), e.body()));
    }

    private void write(String s) {
        try {
            out.write(s);
        } catch (IOException x) {
            throw new UncheckedIOException("writing the trace", x);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException x) {
            throw new UncheckedIOException("closing the trace", x);
        }
    }

    /** Reads one event line back (null for a header or blank line). */
    public static Line parse(String line) {
        if (line.startsWith("#") || line.isBlank()) {
            return null;
        }
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a trace line: " + line);
        }
        return new Line(m.group(1).strip(), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                Long.parseLong(m.group(4)) * 1_000_000 + Long.parseLong(m.group(5)), m.group(6), m.group(7));
    }
}
