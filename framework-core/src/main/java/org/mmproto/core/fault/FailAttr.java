package org.mmproto.core.fault;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.mmproto.api.Gfp;
import org.mmproto.api.driver.Hook;

/**
 * The attributes of one fail point, as Documentation/fault-injection describes those of
 * fail_page_alloc and failslab: {@code probability} (percent), {@code interval} (only every Nth
 * call that passes the filters may fail), {@code times} (at most that many failures, -1 no
 * limit), {@code space} (bytes of requests that pass unharmed first), and the filters
 * {@code min_order}, {@code gfp} (only calls whose mask has all these bits), {@code nid},
 * {@code pid}, {@code hook} (driver_hook only: the hooks, by kernel name, whose calls may fail;
 * {@code hook=alloc_veto,migrate_to} names two; empty: every hook) and {@code mode} (driver_hook:
 * throw, hang, null).
 */
public record FailAttr(FailPoint point, int probability, long interval, long times, long space, int minOrder,
                       int gfpMask, int nid, int pid, Set<String> hooks, Mode mode) {
    public FailAttr {
        hooks = Set.copyOf(hooks);
    }

    /** How a driver hook call fails. */
    public enum Mode { THROW, HANG, NULL }

    public static FailAttr of(FailPoint p) {
        return new FailAttr(p, 100, 1, -1, 0, 0, 0, -1, -1, Set.of(), Mode.THROW);
    }

    /**
     * {@code point[:key=value,...]}: e.g. {@code page_alloc:probability=10,times=5,min_order=1} or
     * {@code driver_hook:hook=alloc_veto,migrate_to,mode=hang,interval=3} (the names after
     * {@code hook=} up to the next {@code key=} are all hooks).
     */
    public static FailAttr parse(String spec) {
        String s = spec.strip();
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        FailPoint p = FailPoint.byKey(name);
        if (p == null) {
            throw bad(spec, "unknown fail point '" + name + "'; known: "
                    + String.join(", ", Arrays.stream(FailPoint.values()).map(FailPoint::key).toList()));
        }
        FailAttr a = of(p);
        if (colon < 0) {
            return a;
        }
        Set<String> hooks = new LinkedHashSet<>();
        String lastKey = null;
        for (String kv : s.substring(colon + 1).split(",")) {
            if (kv.isBlank()) {
                continue;
            }
            int eq = kv.indexOf('=');
            if (eq < 0 && "hook".equals(lastKey)) {
                hooks.add(hook(spec, kv.strip())); // hook=alloc_veto,migrate_to: one more hook
                continue;
            }
            if (eq < 0) {
                throw bad(spec, "'" + kv + "' is not key=value");
            }
            String k = kv.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String v = kv.substring(eq + 1).strip();
            lastKey = k;
            try {
                a = switch (k) {
                    case "probability" -> a.with(p, range(spec, k, Integer.parseInt(v), 0, 100), a.interval, a.times,
                            a.space, a.minOrder, a.gfpMask, a.nid, a.pid, a.hooks, a.mode);
                    case "interval" -> a.with(p, a.probability, range(spec, k, Long.parseLong(v), 1, Long.MAX_VALUE),
                            a.times, a.space, a.minOrder, a.gfpMask, a.nid, a.pid, a.hooks, a.mode);
                    case "times" -> a.with(p, a.probability, a.interval, range(spec, k, Long.parseLong(v), -1,
                            Long.MAX_VALUE), a.space, a.minOrder, a.gfpMask, a.nid, a.pid, a.hooks, a.mode);
                    case "space" -> a.with(p, a.probability, a.interval, a.times, range(spec, k, Long.parseLong(v), 0,
                            Long.MAX_VALUE), a.minOrder, a.gfpMask, a.nid, a.pid, a.hooks, a.mode);
                    case "min_order" -> a.with(p, a.probability, a.interval, a.times, a.space,
                            (int) range(spec, k, Integer.parseInt(v), 0, 10), a.gfpMask, a.nid, a.pid, a.hooks, a.mode);
                    case "gfp" -> a.with(p, a.probability, a.interval, a.times, a.space, a.minOrder, gfp(spec, v),
                            a.nid, a.pid, a.hooks, a.mode);
                    case "nid" -> a.with(p, a.probability, a.interval, a.times, a.space, a.minOrder, a.gfpMask,
                            (int) range(spec, k, Integer.parseInt(v), 0, 1023), a.pid, a.hooks, a.mode);
                    case "pid" -> a.with(p, a.probability, a.interval, a.times, a.space, a.minOrder, a.gfpMask, a.nid,
                            (int) range(spec, k, Integer.parseInt(v), 0, Integer.MAX_VALUE), a.hooks, a.mode);
                    case "hook" -> {
                        hooks.add(hook(spec, v));
                        yield a;
                    }
                    case "mode" -> a.with(p, a.probability, a.interval, a.times, a.space, a.minOrder, a.gfpMask, a.nid,
                            a.pid, a.hooks, mode(spec, v));
                    default -> throw bad(spec, "unknown attribute '" + k
                            + "'; known: probability, interval, times, space, min_order, gfp, nid, pid, hook, mode");
                };
            } catch (NumberFormatException e) {
                throw bad(spec, k + "=" + v + " is not a number");
            }
        }
        if (!hooks.isEmpty() && p != FailPoint.DRIVER_HOOK) {
            throw bad(spec, "hook= filters driver_hook only");
        }
        return a.with(p, a.probability, a.interval, a.times, a.space, a.minOrder, a.gfpMask, a.nid, a.pid, hooks, a.mode);
    }

    private FailAttr with(FailPoint p, int probability, long interval, long times, long space, int minOrder,
                          int gfpMask, int nid, int pid, Set<String> hooks, Mode mode) {
        return new FailAttr(p, probability, interval, times, space, minOrder, gfpMask, nid, pid, hooks, mode);
    }

    private static long range(String spec, String k, long v, long min, long max) {
        if (v < min || v > max) {
            throw bad(spec, k + "=" + v + " is outside " + min + ".." + (max == Long.MAX_VALUE ? "" : max));
        }
        return v;
    }

    private static int range(String spec, String k, int v, int min, int max) {
        return (int) range(spec, k, (long) v, min, max);
    }

    private static int gfp(String spec, String v) {
        try {
            return v.startsWith("0x") ? Integer.parseUnsignedInt(v.substring(2), 16) : Gfp.parse(v).bits();
        } catch (IllegalArgumentException e) {
            throw bad(spec, "gfp=" + v + ": " + e.getMessage());
        }
    }

    /** A hook's kernel name ({@link Hook#kernelName()}), as the call sites name it. */
    private static String hook(String spec, String v) {
        if (Arrays.stream(Hook.values()).noneMatch(h -> h.kernelName().equals(v))) {
            throw bad(spec, "hook=" + v + ": no such hook; known: "
                    + String.join(", ", Arrays.stream(Hook.values()).map(Hook::kernelName).toList()));
        }
        return v;
    }

    /** Whether a call of {@code hook} passes the hook filter (no filter: every hook). */
    public boolean matchesHook(String hook) {
        return hooks.isEmpty() || hooks.contains(hook);
    }

    private static Mode mode(String spec, String v) {
        try {
            return Mode.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad(spec, "mode=" + v + ": expected throw, hang or null");
        }
    }

    private static IllegalArgumentException bad(String spec, String why) {
        return new IllegalArgumentException("--fail '" + spec + "': " + why);
    }
}
