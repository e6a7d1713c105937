package org.mmproto.core.hooks;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mmproto.api.driver.DelayedWork;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.Site;

/**
 * The drivers' delayed work (CONTRACT R1.10), a workqueue on the engine's clock: per bound node
 * the named works its driver queued and when each is due. The clock moves only through
 * {@link #tick}; a tick runs every work due by its end in due order (ties in queueing order),
 * each at its due time, as a {@code delayed_work} call through the dispatcher's containment
 * (Site.DEVICE_WORK, no design asked). A work queued again from its callback and due within the
 * same tick runs again in it, at most {@link #MAX_RUNS_PER_TICK} times per tick; the rest waits
 * for the next tick. A quarantined driver's pending works are cancelled, and so is every work at
 * {@link #cancelAll} (the binding ends): nothing of a driver stays queued past its binding.
 */
public final class DeviceWork {
    /** Runs of one work in one tick before it waits for the next (a 1 ms periodic work in a long tick). */
    public static final int MAX_RUNS_PER_TICK = 1024;

    private record Timer(String name, long queuedMs, long dueMs, long seq) {
    }

    /** What happened to one node's works. */
    public record Counts(long queued, long runs, long cancelled, int pending) {
    }

    private final Dispatcher dispatcher;
    private final Map<Integer, LinkedHashMap<String, Timer>> pending = new TreeMap<>();
    private final Map<Integer, long[]> counts = new HashMap<>();
    private long nowMs;
    private long seq;

    DeviceWork(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** The engine's clock for delayed work: simulated ms since boot. */
    public long nowMs() {
        return nowMs;
    }

    /** schedule_delayed_work for node {@code nid}'s driver; false when {@code name} is already pending. */
    boolean schedule(int nid, String name, long delayMs) {
        DriverContext.checkStatName(name);
        DriverContext.checkDelay(delayMs);
        LinkedHashMap<String, Timer> works = pending.computeIfAbsent(nid, n -> new LinkedHashMap<>());
        if (works.containsKey(name)) {
            return false;
        }
        if (works.size() >= DriverContext.MAX_DELAYED_WORK) {
            throw new IllegalStateException("node " + nid + ": " + DriverContext.MAX_DELAYED_WORK
                    + " delayed works already pending; '" + name + "' not queued");
        }
        works.put(name, new Timer(name, nowMs, nowMs + delayMs, seq++));
        count(nid)[0]++;
        return true;
    }

    /** cancel_delayed_work: whether the work was pending. */
    boolean cancel(int nid, String name) {
        LinkedHashMap<String, Timer> works = pending.get(nid);
        if (works == null || works.remove(name) == null) {
            return false;
        }
        count(nid)[2]++;
        return true;
    }

    /** The binding of node {@code nid} ends: its pending works are cancelled (counted), none runs. */
    public void cancelAll(int nid) {
        LinkedHashMap<String, Timer> works = pending.remove(nid);
        if (works != null && !works.isEmpty()) {
            count(nid)[2] += works.size();
        }
    }

    /** Every binding ends (the run is over). */
    public void cancelAll() {
        for (int nid : Set.copyOf(pending.keySet())) {
            cancelAll(nid);
        }
    }

    /** {@code ms} of time pass: the works due by then run; returns how many runs were made. */
    public long tick(long ms) {
        long end = nowMs + ms;
        long made = 0;
        Map<String, Integer> runs = new HashMap<>();
        Set<String> capped = new HashSet<>();
        for (;;) {
            int nid = -1;
            Timer next = null;
            for (var e : pending.entrySet()) {
                for (Timer t : e.getValue().values()) {
                    if (t.dueMs() <= end && !capped.contains(e.getKey() + "/" + t.name())
                            && (next == null || t.dueMs() < next.dueMs() || t.dueMs() == next.dueMs() && t.seq() < next.seq())) {
                        next = t;
                        nid = e.getKey();
                    }
                }
            }
            if (next == null) {
                break;
            }
            String key = nid + "/" + next.name();
            if (runs.merge(key, 1, Integer::sum) > MAX_RUNS_PER_TICK) {
                capped.add(key);
                continue;
            }
            DriverAccessImpl a = dispatcher.accessAt(nid, Site.DEVICE_WORK);
            if (gone(a, nid)) {
                cancelAll(nid); // quarantined by another call: its works never run
                continue;
            }
            pending.get(nid).remove(next.name());
            nowMs = Math.max(nowMs, next.dueMs());
            count(nid)[1]++;
            made++;
            a.delayedWork(new DelayedWork(next.name(), next.queuedMs(), next.dueMs()));
            if (gone(a, nid)) {
                cancelAll(nid); // the work overran: the driver is quarantined, nothing of it stays queued
            }
        }
        nowMs = end;
        return made;
    }

    private boolean gone(DriverAccessImpl a, int nid) {
        BoundDriver b = a.bound();
        return b == null || dispatcher.containment().quarantined(b.pluginId(), nid);
    }

    /** Node {@code nid}'s works: queued and run since boot, cancelled, pending now. */
    public Counts counts(int nid) {
        long[] c = counts.getOrDefault(nid, new long[3]);
        LinkedHashMap<String, Timer> works = pending.get(nid);
        return new Counts(c[0], c[1], c[2], works == null ? 0 : works.size());
    }

    /** When node {@code nid}'s work {@code name} is due, or -1 when it is not pending. */
    public long dueMs(int nid, String name) {
        LinkedHashMap<String, Timer> works = pending.get(nid);
        Timer t = works == null ? null : works.get(name);
        return t == null ? -1 : t.dueMs();
    }

    private long[] count(int nid) {
        return counts.computeIfAbsent(nid, n -> new long[3]);
    }
}
