package org.mmproto.core.fault;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.mmproto.api.Gfp;
import org.mmproto.api.driver.Hook;

/**
 * The attributes of one fail point, as Documentation/fault-injection/fault-injection.rst
 * describes those of fail_page_alloc and failslab: {@code probability} (percent),
 * {@code interval} (only every Nth call that gets that far may fail), {@code times} (at most that
 * many failures, -1 no limit), {@code space} (a budget the calls use up, 1 &lt;&lt; order pages
 * each, before any may fail), and the filters {@code min_order}, {@code ignore_gfp_wait},
 * {@code ignore_gfp_highmem} (page_alloc only, as fail_page_alloc has them), {@code gfp} (only
 * calls whose mask has all these bits), {@code nid}, {@code pid} and {@code task} (the acting
 * task's pid or comm: the task-filter's make-it-fail, by name), {@code hook} (driver_hook only:
 * the hooks, by kernel name, whose calls may fail; {@code hook=alloc_veto,migrate_to} names two;
 * empty: every hook) and {@code mode} (driver_hook: throw, hang, null).
 *
 * <p>The defaults are the kernel's: FAULT_ATTR_INITIALIZER in include/linux/fault-inject.h
 * leaves probability 0 (nothing fails until it is set), interval 1, times 1, space 0, and
 * fail_page_alloc's own initializer in mm/fail_page_alloc.c sets ignore-gfp-wait=Y,
 * ignore-gfp-highmem=Y and min-order=1 (checked against 6.12's sources and
 * fault-injection.rst's debugfs section). So {@code page_alloc:probability=100} fails only
 * order &gt;= 1 allocations that can neither sleep nor use highmem, once; what a fuzz run wants is
 * {@code page_alloc:probability=10,times=-1,min_order=0,ignore_gfp_wait=N,ignore_gfp_highmem=N}.
 * The other points are plain fault_attrs with the generic defaults.
 */
public record FailAttr(FailPoint point, int probability, long interval, long times, long space, int minOrder,
                       boolean ignoreGfpWait, boolean ignoreGfpHighmem, int gfpMask, int nid, int pid, String task,
                       Set<String> hooks, Mode mode) {
    public FailAttr {
        hooks = Set.copyOf(hooks);
    }

    /** How a driver hook call fails. */
    public enum Mode { THROW, HANG, NULL }

    /** The attribute names of a spec (a '-' in a name reads as '_', as debugfs spells min-order). */
    static final String KNOWN = "probability, interval, times, space, min_order, ignore_gfp_wait, ignore_gfp_highmem,"
            + " gfp, nid, pid, task, hook, mode";

    /** The kernel's defaults for {@code p} (see the class comment). */
    public static FailAttr of(FailPoint p) {
        boolean pageAlloc = p == FailPoint.PAGE_ALLOC;
        return new FailAttr(p, 0, 1, 1, 0, pageAlloc ? 1 : 0, pageAlloc, pageAlloc, 0, -1, -1, null, Set.of(),
                Mode.THROW);
    }

    /**
     * should_fail_alloc_page's filters ahead of should_fail (page_alloc only): below min_order,
     * __GFP_NOFAIL, a highmem or a sleeping allocation while those are ignored: never failed.
     */
    boolean pageAllocFilters(int order, int gfp) {
        if (point != FailPoint.PAGE_ALLOC) {
            return true;
        }
        return order >= minOrder && (gfp & Gfp.Bits.NOFAIL) == 0
                && !(ignoreGfpHighmem && (gfp & Gfp.Bits.HIGHMEM) != 0)
                && !(ignoreGfpWait && (gfp & Gfp.Bits.DIRECT_RECLAIM) != 0);
    }

    /**
     * {@code point[:key=value,...]}: e.g. {@code page_alloc:probability=10,times=5,min_order=1} or
     * {@code driver_hook:hook=alloc_veto,migrate_to,mode=hang,interval=3,probability=100} (the
     * names after {@code hook=} up to the next {@code key=} are all hooks).
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
        FailAttr d = of(p);
        if (colon < 0) {
            return d;
        }
        int probability = d.probability;
        long interval = d.interval;
        long times = d.times;
        long space = d.space;
        int minOrder = d.minOrder;
        boolean ignoreWait = d.ignoreGfpWait;
        boolean ignoreHighmem = d.ignoreGfpHighmem;
        int gfpMask = d.gfpMask;
        int nid = d.nid;
        int pid = d.pid;
        String task = d.task;
        Mode mode = d.mode;
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
            String k = kv.substring(0, eq).strip().toLowerCase(Locale.ROOT).replace('-', '_');
            String v = kv.substring(eq + 1).strip();
            lastKey = k;
            try {
                switch (k) {
                    case "probability" -> probability = (int) range(spec, k, Long.parseLong(v), 0, 100);
                    case "interval" -> interval = range(spec, k, Long.parseLong(v), 1, Long.MAX_VALUE);
                    case "times" -> times = range(spec, k, Long.parseLong(v), -1, Long.MAX_VALUE);
                    case "space" -> space = range(spec, k, Long.parseLong(v), 0, Long.MAX_VALUE);
                    case "min_order" -> minOrder = (int) range(spec, k, Long.parseLong(v), 0, 10);
                    case "ignore_gfp_wait" -> ignoreWait = bool(spec, k, v);
                    case "ignore_gfp_highmem" -> ignoreHighmem = bool(spec, k, v);
                    case "gfp" -> gfpMask = gfp(spec, v);
                    case "nid" -> nid = (int) range(spec, k, Long.parseLong(v), 0, 1023);
                    case "pid" -> pid = (int) range(spec, k, Long.parseLong(v), 0, Integer.MAX_VALUE);
                    case "task" -> task = v.isEmpty() ? null : v;
                    case "hook" -> hooks.add(hook(spec, v));
                    case "mode" -> mode = mode(spec, v);
                    default -> throw bad(spec, "unknown attribute '" + k + "'; known: " + KNOWN);
                }
            } catch (NumberFormatException e) {
                throw bad(spec, k + "=" + v + " is not a number");
            }
            if ((k.equals("min_order") || k.startsWith("ignore_gfp")) && p != FailPoint.PAGE_ALLOC) {
                throw bad(spec, k + " filters page_alloc only (fail_page_alloc's attribute)");
            }
        }
        if (!hooks.isEmpty() && p != FailPoint.DRIVER_HOOK) {
            throw bad(spec, "hook= filters driver_hook only");
        }
        return new FailAttr(p, probability, interval, times, space, minOrder, ignoreWait, ignoreHighmem, gfpMask, nid,
                pid, task, hooks, mode);
    }

    private static long range(String spec, String k, long v, long min, long max) {
        if (v < min || v > max) {
            throw bad(spec, k + "=" + v + " is outside " + min + ".." + (max == Long.MAX_VALUE ? "" : max));
        }
        return v;
    }

    /** debugfs booleans: Y/N (also 1/0, true/false). */
    private static boolean bool(String spec, String k, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "y", "1", "true" -> true;
            case "n", "0", "false" -> false;
            default -> throw bad(spec, k + "=" + v + ": expected Y or N");
        };
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
