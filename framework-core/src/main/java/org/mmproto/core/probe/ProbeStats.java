package org.mmproto.core.probe;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The counts of attached probes: per probed method its calls and a log2 latency histogram
 * (bucket b holds calls of [2^b, 2^(b+1)) ns). The one static state of the engine, on purpose:
 * advice inlined into an engine method can only reach static members; {@link Probes} clears it
 * when it attaches and detaches.
 */
public final class ProbeStats {
    static final int BUCKETS = 40;
    private static final Map<String, AtomicLongArray> BY_METHOD = new ConcurrentHashMap<>();
    /** Per capturing probe, where its arguments and return values go. */
    private static final Map<String, ProbeCapture> CAPTURES = new ConcurrentHashMap<>();

    /**
     * Per thread, how deep each probed method is: a probe counts the outermost call only, so a
     * method whose overloads call each other (migrate_pages, handle_mm_fault) counts one call.
     */
    private static final ThreadLocal<Map<String, int[]>> DEPTH = ThreadLocal.withInitial(HashMap::new);

    private ProbeStats() {
    }

    /** Called by the inlined entry advice: whether this call is not nested in another call of the method. */
    public static boolean enter(String method) {
        return DEPTH.get().computeIfAbsent(method, m -> new int[1])[0]++ == 0;
    }

    /** Called by the inlined exit advice: whether the outermost call of the method is returning. */
    public static boolean leave(String method) {
        int[] d = DEPTH.get().get(method);
        return d != null && d[0] > 0 && --d[0] == 0;
    }

    /** Called by the inlined exit advice. */
    public static void record(String method, long nanos) {
        AtomicLongArray a = BY_METHOD.computeIfAbsent(method, m -> new AtomicLongArray(BUCKETS + 1));
        a.incrementAndGet(BUCKETS);
        a.incrementAndGet(Math.min(BUCKETS - 1, 63 - Long.numberOfLeadingZeros(Math.max(1, nanos))));
    }

    /** Called by the inlined entry advice of a capturing probe. */
    public static void entered(String method, Object[] args) {
        ProbeCapture c = CAPTURES.get(method);
        if (c != null) {
            c.entered(args);
        }
    }

    /** Called by the inlined exit advice of a capturing probe: {@code ret} null for void or a throw. */
    public static void returned(String method, Object ret, Throwable thrown) {
        ProbeCapture c = CAPTURES.get(method);
        if (c != null) {
            c.returned(ret, thrown);
        }
    }

    static void capture(String method, ProbeCapture c) {
        CAPTURES.put(method, c);
    }

    static void uncapture() {
        CAPTURES.clear();
    }

    static void clear() {
        BY_METHOD.clear();
        CAPTURES.clear();
    }

    /** Calls of {@code method} ("pkg.Class#name") since the probes attached. */
    public static long calls(String method) {
        AtomicLongArray a = BY_METHOD.get(method);
        return a == null ? 0 : a.get(BUCKETS);
    }

    /** Per method: calls, then the histogram's buckets. */
    public static Map<String, long[]> snapshot() {
        Map<String, long[]> out = new TreeMap<>();
        BY_METHOD.forEach((m, a) -> {
            long[] v = new long[BUCKETS + 1];
            for (int i = 0; i <= BUCKETS; i++) {
                v[i] = a.get(i);
            }
            out.put(m, v);
        });
        return out;
    }
}
