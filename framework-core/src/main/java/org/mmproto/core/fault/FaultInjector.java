package org.mmproto.core.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mmproto.api.Gfp;
import org.mmproto.core.trace.Tracer;

/**
 * The fault-injection framework of one kernel: each engine fail point asks {@link #fail} (after
 * a test of the final {@link #active} flag, so with {@link #OFF} it costs one field read) and
 * fails its call when an attribute set for that point says so. The decisions draw from one
 * seeded generator, so a run with a seed injects the same faults every time. Every injected
 * fault is counted ({@link #injectedCount}); the first {@link #RECORDS} are recorded
 * ({@link #injected}), the rest only counted per point ({@link #notRecorded}), so that
 * {@code times=-1} runs in bounded memory. As fail_dump, a fault of a __GFP_NOWARN request is
 * not logged (should_fail_alloc_page sets FAULT_NOWARN for it), only counted and recorded.
 */
public final class FaultInjector {
    /** No fault is ever injected. */
    public static final FaultInjector OFF = new FaultInjector(List.of(), 0);

    /** One injected fault: where, at which scenario line, for which task, node and order. */
    public record Injected(long seq, FailPoint point, int line, int pid, int nid, int order, String detail) {
        @Override
        public String toString() {
            return "FAULT_INJECTION: " + point.key() + " #" + seq + (line > 0 ? " line " + line : "") + " pid " + pid
                    + (nid >= 0 ? " nid " + nid : "") + (order >= 0 ? " order " + order : "")
                    + (detail.isEmpty() ? "" : " " + detail) + ": " + point.effect();
        }
    }

    private static final org.slf4j.Logger LOG = org.mmproto.core.trace.Log.FAULT_INJECT.logger();

    private final boolean active;
    /** Whether the fail points may fail now (see {@link #arm}); armed from the start unless disarmed. */
    private boolean armed = true;
    private final List<Slot> slots = new ArrayList<>();
    private final SplittableRandom random;
    /** How many injected faults are recorded one by one; later ones are counted per point. */
    public static final int RECORDS = 1000;

    private final List<Injected> injected = new ArrayList<>();
    private final java.util.EnumMap<FailPoint, Long> notRecorded = new java.util.EnumMap<>(FailPoint.class);
    private long total;
    private Tracer.Context context;
    private int line;

    /** The state of one attribute set: calls that passed its filters, failures so far, space left. */
    private static final class Slot {
        final FailAttr attr;
        long calls;
        long failures;
        long space;

        Slot(FailAttr attr) {
            this.attr = attr;
            this.space = attr.space();
        }
    }

    public FaultInjector(List<FailAttr> attrs, long seed) {
        for (FailAttr a : attrs) {
            slots.add(new Slot(a));
        }
        this.active = !attrs.isEmpty();
        this.random = new SplittableRandom(seed);
    }

    /** Parses {@code --fail} specs ({@code ;}-separated within one) with a seed. */
    public static FaultInjector parse(List<String> specs, long seed) {
        List<FailAttr> attrs = new ArrayList<>();
        for (String spec : specs) {
            for (String one : spec.split(";")) {
                if (!one.isBlank()) {
                    FailAttr a = FailAttr.parse(one);
                    if (a.probability() == 0) {
                        LOG.warn("--fail '{}': probability=0 (the kernel's default): this point never fails;"
                                + " set probability=1..100", one.strip());
                    }
                    attrs.add(a);
                }
            }
        }
        return attrs.isEmpty() ? OFF : new FaultInjector(attrs, seed);
    }

    public boolean active() {
        return active;
    }

    /**
     * Arms or disarms every fail point: while disarmed no call fails and none is counted (no
     * interval, times or space is used up, no random number drawn). As one writes the debugfs
     * attributes after a module loaded, so that its probe() is not the workload under test: the
     * conformance kit boots and binds disarmed and arms for the workload.
     */
    public void arm(boolean on) {
        if (active) { // OFF, shared, stays as it is
            this.armed = on;
        }
    }

    /** Who the engine acts for (the pid filter), set once the kernel booted. */
    public void attach(Tracer.Context c) {
        if (active) {
            this.context = c;
        }
    }

    /** The scenario line being run, for the record of injected faults. */
    public void step(int scenarioLine) {
        this.line = scenarioLine;
    }

    /**
     * should_fail(): whether the call at {@code point} fails. {@code order} and {@code gfp} are
     * the request's (-1 / 0 where the point has none), {@code nid} the node it concerns (-1).
     */
    public boolean fail(FailPoint point, int order, int gfp, int nid) {
        return fail(point, order, gfp, nid, null) != null;
    }

    /** For the driver_hook point: how the call to {@code hook} fails, or null when it does not. */
    public FailAttr.Mode failHook(String hook, int nid) {
        FailAttr a = fail(FailPoint.DRIVER_HOOK, -1, 0, nid, hook);
        return a == null ? null : a.mode();
    }

    /**
     * should_fail_alloc_page() as prepare_alloc_pages() asks it, before any other work of the
     * allocation: page_alloc's filters (min_order, __GFP_NOFAIL, ignore_gfp_highmem,
     * ignore_gfp_wait), then should_fail.
     */
    public boolean failAllocPage(int gfp, int order, int preferredNid) {
        return fail(FailPoint.PAGE_ALLOC, order, gfp, preferredNid, null) != null;
    }

    /**
     * should_fail_ex() after the point's own filters, in the kernel's order: probability 0 never
     * fails; the task filter; times used up; the space budget (a call of 1 &lt;&lt; order pages
     * that leaves it above its size uses it up and passes); the interval (counted only when
     * above 1); then the probability draw. A failure uses up one of times (unless -1).
     */
    private FailAttr fail(FailPoint point, int order, int gfp, int nid, String hook) {
        if (!active || !armed) {
            return null;
        }
        int pid = context == null ? 0 : context.pid();
        for (Slot s : slots) {
            FailAttr a = s.attr;
            if (a.point() != point || !a.pageAllocFilters(order, gfp) || (gfp & a.gfpMask()) != a.gfpMask()
                    || a.nid() >= 0 && a.nid() != nid || hook != null && !a.matchesHook(hook)) {
                continue;
            }
            if (a.probability() == 0) {
                continue;
            }
            if (a.pid() >= 0 && a.pid() != pid
                    || a.task() != null && (context == null || !a.task().equals(context.comm()))) {
                continue;
            }
            if (a.times() >= 0 && s.failures >= a.times()) {
                continue;
            }
            long size = 1L << Math.max(order, 0);
            if (s.space > size) {
                s.space -= size;
                continue;
            }
            if (a.interval() > 1 && ++s.calls % a.interval() != 0) {
                continue;
            }
            if (a.probability() < 100 && random.nextInt(100) >= a.probability()) {
                continue;
            }
            s.failures++;
            String detail = (gfp != 0 ? "gfp " + Gfp.of(gfp) : "") + (hook != null ? "hook " + hook + " mode "
                    + a.mode().name().toLowerCase(java.util.Locale.ROOT) : "");
            Injected x = new Injected(++total, point, line, pid, nid, order, detail);
            if (injected.size() < RECORDS) {
                injected.add(x);
            } else {
                notRecorded.merge(point, 1L, Long::sum);
            }
            if ((gfp & Gfp.Bits.NOWARN) == 0) { // FAULT_NOWARN: no fail_dump
                LOG.info("{}", x);
            }
            return a;
        }
        return null;
    }

    /** The first {@link #RECORDS} faults injected, in order. */
    public List<Injected> injected() {
        return List.copyOf(injected);
    }

    /** Every fault injected so far, recorded or not. */
    public int injectedCount() {
        return (int) Math.min(total, Integer.MAX_VALUE);
    }

    /** Per point, the faults injected after the first {@link #RECORDS}: counted, not recorded. */
    public java.util.Map<FailPoint, Long> notRecorded() {
        return java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(notRecorded));
    }
}
