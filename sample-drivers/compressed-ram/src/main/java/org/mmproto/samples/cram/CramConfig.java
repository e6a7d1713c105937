package org.mmproto.samples.cram;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The driver's per-node configuration, validated once at bind (a bad value fails bind() naming
 * the key; the engine adds the scenario line, CONTRACT R3.5/R5.5). Sizes are bytes or binary
 * units ({@code 512MiB}); thresholds and ratios are per-mille. The README lists every key.
 */
record CramConfig(Model model, long advertisedPages, long physicalBytes, long seed, ContentModel.Mix mix,
                  int textBytes, int lowThreshold, int highThreshold, int zratio, TrimDevice.Mode trimMode,
                  int trimEagain, boolean deferredScrub, int flushBufSize, boolean chickenBit, long chickenBitAt,
                  long hotReads, long flushIntervalMs, long hotDecayMs, boolean migrationBlocked) {

    enum Model { V4, V5 }

    static final List<String> KEYS = List.of("model", "advertised", "physical", "seed", "content", "text_bytes",
            "low_threshold", "high_threshold", "zratio", "trim", "trim_eagain", "scrub", "flush_buf_size",
            "chicken_bit", "chicken_bit_at", "hot_reads", "flush_interval_ms",
            "hot_decay_ms", "migration_blocked");

    /** Keys of one capacity model only: the other model has no such knob, so giving one is an error. */
    static final List<String> V4_KEYS = List.of("low_threshold", "high_threshold");
    static final List<String> V5_KEYS = List.of("zratio", "trim", "trim_eagain", "migration_blocked");

    /** The longest interval a timer key takes (DriverContext.MAX_DELAY_MS, 2^40 ms). */
    static final long MAX_MS = 1L << 40;

    static CramConfig parse(int nid, long nodePages, Map<String, Object> c) {
        Reader r = new Reader("compressed-ram: node " + nid + ": ", c);
        for (String key : c.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(r.where + "unknown config key '" + key + "'; expected one of " + KEYS);
            }
        }
        Model model = Model.valueOf(r.choice("model", "v4", List.of("v4", "v5")).toUpperCase(Locale.ROOT));
        List<String> foreign = model == Model.V4 ? V5_KEYS : V4_KEYS;
        for (String key : foreign) {
            if (c.containsKey(key)) {
                String other = model == Model.V4 ? "v5" : "v4";
                throw r.bad(key, "belongs to the " + other + " capacity model, but this node's model is "
                        + model.name().toLowerCase(Locale.ROOT) + " (set model: " + other + ", or drop the key)");
            }
        }
        long advertised = r.size("advertised", nodePages * 4096) / 4096;
        if (advertised < 1 || advertised > nodePages) {
            throw r.bad("advertised", "must be between 4KiB and the node's size (" + nodePages * 4096 + " bytes)");
        }
        long physical = r.size("physical", advertised * 4096 / 2);
        if (physical < 4096 || physical > advertised * 4096) {
            throw r.bad("physical", "must be between 4KiB and the advertised size (" + advertised * 4096 + " bytes)");
        }
        ContentModel.Mix mix = r.mix();
        int textBytes = (int) r.number("text_bytes", 1365, 1, 4096);
        int low = (int) r.number("low_threshold", 800, 0, 1000);
        int high = (int) r.number("high_threshold", 950, 0, 1000);
        if (low >= high) {
            throw r.bad("low_threshold", "must be below high_threshold (" + high + ")");
        }
        // cram_zratio (drivers/dax/kmem.c in the branch): per-mille N:1, at least 1000, default 1000
        int zratio = (int) r.number("zratio", 1000, 1000, 100_000);
        TrimDevice.Mode trim = TrimDevice.Mode.valueOf(
                r.choice("trim", "succeed", List.of("succeed", "eagain", "ebusy")).toUpperCase(Locale.ROOT));
        int eagain = (int) r.number("trim_eagain", trim == TrimDevice.Mode.EAGAIN ? 2 : 0, 0, 1000);
        if (trim != TrimDevice.Mode.EAGAIN && c.containsKey("trim_eagain")) {
            throw r.bad("trim_eagain", "needs trim: eagain (a trim that answers " + trim.name().toLowerCase(Locale.ROOT)
                    + " is never retried)");
        }
        boolean deferred = r.choice("scrub", "immediate", List.of("immediate", "deferred")).equals("deferred");
        int buf = (int) r.number("flush_buf_size", 64, 1, 1 << 20);
        if (!deferred && c.containsKey("flush_buf_size")) {
            throw r.bad("flush_buf_size", "needs scrub: deferred (an immediate scrub has no flush buffer)");
        }
        boolean chicken = r.bool("chicken_bit", false);
        long chickenAt = r.number("chicken_bit_at", 0, 0, Long.MAX_VALUE);
        long hotReads = r.number("hot_reads", 0, 0, Long.MAX_VALUE);
        long flushInterval = r.number("flush_interval_ms", 1000, 1, MAX_MS);
        if (!deferred && c.containsKey("flush_interval_ms")) {
            throw r.bad("flush_interval_ms", "needs scrub: deferred (an immediate scrub has no flush buffer)");
        }
        long hotDecay = r.number("hot_decay_ms", 1000, 0, MAX_MS);
        if (hotReads == 0 && c.containsKey("hot_decay_ms")) {
            throw r.bad("hot_decay_ms", "needs hot_reads above 0 (with hot_reads: 0 no folio is nominated, "
                    + "so there are no read counts to decay)");
        }
        boolean migrationBlocked = r.bool("migration_blocked", false);
        return new CramConfig(model, advertised, physical, r.number("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE), mix,
                textBytes, low, high, zratio, trim, eagain, deferred, buf, chicken, chickenAt, hotReads, flushInterval,
                hotDecay, migrationBlocked);
    }

    long physicalPages() {
        return physicalBytes / 4096;
    }

    /** Reads values of one config map; every error names the key. */
    private record Reader(String where, Map<String, Object> c) {
        IllegalArgumentException bad(String key, String why) {
            return new IllegalArgumentException(where + key + ": " + why + " (got '" + c.get(key) + "')");
        }

        String choice(String key, String dflt, List<String> allowed) {
            Object v = c.get(key);
            String s = v == null ? dflt : v.toString().strip().toLowerCase(Locale.ROOT);
            if (!allowed.contains(s)) {
                throw bad(key, "expected one of " + allowed);
            }
            return s;
        }

        boolean bool(String key, boolean dflt) {
            Object v = c.get(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw bad(key, "expected true or false");
        }

        long number(String key, long dflt, long min, long max) {
            Object v = c.get(key);
            if (v == null) {
                return dflt;
            }
            long n;
            if (v instanceof Number num && !(v instanceof Double || v instanceof Float)) {
                n = num.longValue();
            } else {
                try {
                    n = Long.parseLong(v.toString().strip());
                } catch (NumberFormatException e) {
                    throw bad(key, "expected an integer");
                }
            }
            if (n < min || n > max) {
                throw bad(key, "expected " + min + ".." + max);
            }
            return n;
        }

        long size(String key, long dflt) {
            Object v = c.get(key);
            if (v == null) {
                return dflt;
            }
            long bytes;
            try {
                bytes = Sizes.parse(v.toString());
            } catch (IllegalArgumentException e) {
                throw bad(key, "expected a size in bytes or with a unit (KiB, MiB, GiB)");
            }
            if (bytes % 4096 != 0) {
                throw bad(key, "must be a multiple of 4KiB");
            }
            return bytes;
        }

        ContentModel.Mix mix() {
            Object v = c.get("content");
            if (v == null) {
                return ContentModel.Mix.DEFAULT;
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw bad("content", "expected a mapping {zero: F, text: F, incompressible: F}");
            }
            double[] f = new double[3];
            List<String> names = List.of("zero", "text", "incompressible");
            for (var e : m.entrySet()) {
                int i = names.indexOf(String.valueOf(e.getKey()));
                if (i < 0) {
                    throw bad("content", "unknown content kind '" + e.getKey() + "'; expected " + names);
                }
                if (!(e.getValue() instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1) {
                    throw bad("content", e.getKey() + " must be a fraction 0..1");
                }
                f[i] = n.doubleValue();
            }
            if (Math.abs(f[0] + f[1] + f[2] - 1.0) > 1e-9) {
                throw bad("content", "the fractions must add up to 1");
            }
            return new ContentModel.Mix(f[0], f[1], f[2]);
        }
    }

    /** Byte sizes as scenarios write them: 4096, 0x1000, 4KiB, 512MiB, 1GiB. */
    static final class Sizes {
        private Sizes() {
        }

        static long parse(String s) {
            String t = s.strip();
            long mult = 1;
            for (String[] u : new String[][] {{"KiB", "1024"}, {"MiB", "1048576"}, {"GiB", "1073741824"}}) {
                if (t.endsWith(u[0])) {
                    mult = Long.parseLong(u[1]);
                    t = t.substring(0, t.length() - 3).strip();
                    break;
                }
            }
            long n = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            if (n < 0) {
                throw new IllegalArgumentException("negative size");
            }
            return Math.multiplyExact(n, mult);
        }
    }
}
