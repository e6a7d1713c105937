package org.mmproto.core.trace;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A kernel's tracepoints: each call site asks {@link #on} before it builds an event, so with
 * tracing off (the shared {@link #OFF}) a tracepoint costs one read of a final field, as a
 * disabled static key costs one nop. One tracer per booted kernel. An event's time is the
 * engine's simulated clock ({@link #attachClock}: the milliseconds the kernel's ticks advanced),
 * never wall time and never a count of events, so two runs of a scenario write identical traces;
 * everything between two ticks happens at the same instant, as the model gives a system call no
 * duration. The task is the one the engine acts for, or the kernel thread running
 * ({@link #enter}): {@code kswapd0-50}, {@code kcompactd0-70}, {@code khugepaged-40}.
 */
public final class Tracer {
    /** Tracing off: no event fires, nothing is allocated. */
    public static final Tracer OFF = new Tracer(EventFilter.NONE, null);

    /**
     * The kernel threads the engine runs, with the comm the kernel gives them ({@code kswapd%d},
     * {@code kcompactd%d} per node, one {@code khugepaged}) and a fixed pid below the first user
     * task's (100): khugepaged 40, kswapdN 50+N, kcompactdN 70+N.
     */
    public enum Kthread {
        KSWAPD("kswapd", 50, true), KCOMPACTD("kcompactd", 70, true), KHUGEPAGED("khugepaged", 40, false);

        private final String comm;
        private final int pidBase;
        private final boolean perNode;

        Kthread(String comm, int pidBase, boolean perNode) {
            this.comm = comm;
            this.pidBase = pidBase;
            this.perNode = perNode;
        }

        /** The thread's comm ({@code kswapd0}) and pid. */
        public String comm(int nid) {
            return perNode ? comm + nid : comm;
        }

        public int pid(int nid) {
            return perNode ? pidBase + nid : pidBase;
        }
    }

    /** Who the engine is acting for when an event fires. */
    public interface Context {
        String comm();

        int pid();

        int cpu();
    }

    /** A context that does not change: a kernel thread, or the engine acting for no task. */
    public record Fixed(String comm, int pid, int cpu) implements Context {
    }

    private static final Context KERNEL = new Fixed("kernel", 0, 0);

    private final boolean active;
    private final boolean[] enabled;
    private final TraceSink sink;
    private Context context = KERNEL;
    /** The kernel thread running (null: the engine acts for {@link #context}). */
    private Context kthread;
    private LongSupplier clockNs = () -> 0L;
    private long nowNs;
    /**
     * The simulated cost of one traced event: each event is EVENT_NS after the one before, unless a
     * tick moved the clock further (a tick's first event is then at its boundary while fewer than
     * 10^4 events per ms came before it). Perfetto's timestamps (ns) are strictly monotonic and its
     * slices have extent; ftrace text (us) shows up to 10 events per microsecond.
     */
    public static final long EVENT_NS = 100;
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
        if (this != OFF) { // also when off (a private instance): the fault injector asks current
            this.context = c;
        }
    }

    /**
     * Who runs now, tracing on or off: the kernel thread {@link #enter} started, else the task
     * the engine acts for. The comm/pid the trace prints; the fault injector's task filter.
     */
    public final Context current = new Context() {
        @Override
        public String comm() {
            return (kthread != null ? kthread : context).comm();
        }

        @Override
        public int pid() {
            return (kthread != null ? kthread : context).pid();
        }

        @Override
        public int cpu() {
            return (kthread != null ? kthread : context).cpu();
        }
    };

    /** The engine's simulated clock, in nanoseconds since boot (set at boot; without one the time stays 0). */
    public void attachClock(LongSupplier ns) {
        if (active) {
            this.clockNs = ns;
        }
    }

    /**
     * The kernel thread {@code t} of node {@code nid} runs until {@link #leave}: its events carry
     * its comm and pid (also with tracing off: {@link #current}). Returns what to hand {@link #leave}.
     */
    public Context enter(Kthread t, int nid) {
        if (this == OFF) { // shared by every kernel: holds no state
            return null;
        }
        Context prev = kthread;
        kthread = new Fixed(t.comm(nid), t.pid(nid), 0);
        return prev;
    }

    /** The kernel thread {@link #enter} started is done; {@code prev} runs again. */
    public void leave(Context prev) {
        if (this != OFF) {
            kthread = prev;
        }
    }

    /** The scenario line the next events belong to. */
    public void step(int scenarioLine) {
        if (active) {
            line = scenarioLine;
        }
    }

    /**
     * Fires {@code t} (the caller tested {@link #on}) for node {@code nid} (-1: none) with the
     * values in the tracepoint's field order, at the clock's time (never before the last event).
     */
    public void emit(Tracepoint t, int nid, Object... values) {
        if (!on(t)) {
            return;
        }
        // simulated ns = the ticks' time + EVENT_NS per traced event since: strictly monotonic
        nowNs = Math.max(fired == 0 ? nowNs : nowNs + EVENT_NS, clockNs.getAsLong());
        fired++;
        Context c = kthread != null ? kthread : context;
        sink.event(new TraceEvent(nowNs, c.comm(), c.pid(), c.cpu(), line, nid, t, List.of(values)));
    }

    /** A sampled value, for writers that draw counters (Perfetto); free when off. */
    public void counter(String name, int nid, long value) {
        if (active) {
            nowNs = Math.max(nowNs, clockNs.getAsLong());
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
