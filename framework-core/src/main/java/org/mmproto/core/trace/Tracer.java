package org.mmproto.core.trace;

import java.util.Arrays;
import java.util.List;

/**
 * A kernel's tracepoints: each call site asks {@link #on} before it builds an event, so with
 * tracing off (the shared {@link #OFF}) a tracepoint costs one read of a final field, as a
 * disabled static key costs one nop. One tracer per booted kernel; the time is simulated (each
 * fired event advances it by {@link #EVENT_NS}, a step by {@link #STEP_NS}), so two runs of a
 * scenario write identical traces.
 */
public final class Tracer {
    /** Tracing off: no event fires, nothing is allocated. */
    public static final Tracer OFF = new Tracer(EventFilter.NONE, null);
    /** Simulated time one fired event takes. */
    public static final long EVENT_NS = 1_000;
    /** Simulated time between steps. */
    public static final long STEP_NS = 1_000_000;

    /** Who the engine is acting for when an event fires. */
    public interface Context {
        String comm();

        int pid();

        int cpu();
    }

    private static final Context KERNEL = new Context() {
        @Override
        public String comm() {
            return "kernel";
        }

        @Override
        public int pid() {
            return 0;
        }

        @Override
        public int cpu() {
            return 0;
        }
    };

    private final boolean active;
    private final boolean[] enabled;
    private final TraceSink sink;
    private Context context = KERNEL;
    private long nowNs;
    private int line;
    private long fired;

    public Tracer(EventFilter filter, TraceSink sink) {
        this.sink = sink;
        this.enabled = new boolean[Tracepoint.values().length];
        boolean any = false;
        for (Tracepoint t : Tracepoint.values()) {
            enabled[t.ordinal()] = sink != null && filter.matches(t);
            any |= enabled[t.ordinal()];
        }
        this.active = any;
    }

    /** Whether {@code t} fires: call sites test this before building the event's values. */
    public boolean on(Tracepoint t) {
        return active && enabled[t.ordinal()];
    }

    /** Whether any tracepoint fires. */
    public boolean active() {
        return active;
    }

    /** The tracepoints this tracer fires. */
    public List<Tracepoint> enabled() {
        return Arrays.stream(Tracepoint.values()).filter(this::on).toList();
    }

    /** Where the acting task comes from (the kernel's dispatcher, once booted). */
    public void attach(Context c) {
        if (active) {
            this.context = c;
        }
    }

    /** The scenario line the next events belong to; advances the clock by a step. */
    public void step(int scenarioLine) {
        if (active) {
            line = scenarioLine;
            nowNs += STEP_NS;
        }
    }

    /**
     * Fires {@code t} (the caller tested {@link #on}) for node {@code nid} (-1: none) with the
     * values in the tracepoint's field order.
     */
    public void emit(Tracepoint t, int nid, Object... values) {
        if (!on(t)) {
            return;
        }
        nowNs += EVENT_NS;
        fired++;
        sink.event(new TraceEvent(nowNs, context.comm(), context.pid(), context.cpu(), line, nid, t, List.of(values)));
    }

    /** A sampled value, for writers that draw counters (Perfetto); free when off. */
    public void counter(String name, int nid, long value) {
        if (active) {
            sink.counter(nowNs, name, nid, value);
        }
    }

    /** The scenario line being run (0 outside a step). */
    public int line() {
        return line;
    }

    /** Events fired so far. */
    public long fired() {
        return fired;
    }

    /** Simulated nanoseconds since boot. */
    public long nowNs() {
        return nowNs;
    }

    /** {@code %p} of a task's mm_struct (NULL for none, as a kernel thread has). */
    public static String mm(int pid) {
        return pid <= 0 ? "0000000000000000" : String.format("%016x", 0xffff888100000000L + pid * 0x400L);
    }

    /** {@code %p} of a page: the kernel hashes pointers; mmproto prints the pfn's struct page slot, NULL as zeros. */
    public static String page(long pfn) {
        return pfn < 0 ? "0000000000000000" : String.format("%016x", 0xffffea0000000000L + pfn * 64);
    }
}
