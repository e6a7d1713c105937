package org.mmproto.core.replay;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code damo report raw} text: per snapshot (aggregation interval) a header
 * ({@code monitoring_start:}, {@code monitoring_end:}, {@code target_id:}, {@code nr_regions:})
 * then one line per region, {@code START-END( SIZE): NR_ACCESSES [AGE]} in hex. A region with
 * nr_accesses N is replayed as N passes over its pages spread over the snapshot's interval
 * (monitoring_start to monitoring_end: {@link DamonSnapshot}), so time advances and the daemons
 * run between them. One snapshot's regions are held until its next header; nothing more.
 */
public final class DamonParser implements AccessParser {
    private static final Pattern REGION = Pattern.compile(
            "^\\s*([0-9a-fA-F]+)-([0-9a-fA-F]+)\\s*\\([^)]*\\):\\s*([0-9]+)(\\s+[0-9]+)?\\s*$");
    private static final Pattern HEADER = Pattern.compile("^\\s*([a-z_]+):\\s*(.*)$");
    private static final Set<String> KEYS = Set.of("base_time_absolute", "monitoring_start", "monitoring_end",
            "monitoring_duration", "target_id", "nr_regions", "kdamond_idx", "context_idx", "scheme_idx",
            "target_idx", "record_idx", "intervals");
    private static final Pattern TIME = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ns|us|ms|s|m|h)");

    private final DamonSnapshot snap = new DamonSnapshot();
    private long startNs = -1;
    private long endNs;
    private long lastEndNs = -1;

    @Override
    public long replay(LineReader in, AccessSink to, long max) {
        long n = 0;
        long declared = -1;
        long seen = 0;
        long declaredAt = 0;
        String s;
        while (n < max && (s = in.next()) != null) {
            if (s.isBlank()) {
                continue;
            }
            Matcher r = REGION.matcher(s);
            if (r.matches()) {
                long start;
                long end;
                int nr;
                try {
                    start = Long.parseUnsignedLong(r.group(1), 16);
                    end = Long.parseUnsignedLong(r.group(2), 16);
                    nr = Integer.parseInt(r.group(3));
                } catch (NumberFormatException e) {
                    throw in.error("a region 'START-END( SIZE): NR_ACCESSES' with hex addresses");
                }
                if (Long.compareUnsigned(end, start) <= 0) {
                    throw in.error("a region whose end is above its start");
                }
                seen++;
                snap.add(start, end, nr);
                continue;
            }
            Matcher h = HEADER.matcher(s);
            if (!h.matches() || !KEYS.contains(h.group(1))) {
                throw in.error("a damo report raw line: 'monitoring_start:', 'monitoring_end:', 'target_id:',"
                        + " 'nr_regions:' or a region 'START-END( SIZE): NR_ACCESSES'");
            }
            switch (h.group(1)) {
                case "monitoring_start" -> {
                    if (declared >= 0 && seen != declared) {
                        throw new TraceFormatException(in.file(), declaredAt, "nr_regions: " + declared
                                + " but " + seen + " region lines follow it");
                    }
                    declared = -1;
                    n += flush(to, max - n);
                    startNs = time(in, h.group(2));
                }
                case "monitoring_end" -> endNs = time(in, h.group(2));
                case "nr_regions" -> {
                    try {
                        declared = Long.parseLong(h.group(2).strip());
                    } catch (NumberFormatException e) {
                        throw in.error("nr_regions: a count");
                    }
                    declaredAt = in.line();
                    seen = 0;
                }
                default -> {
                }
            }
        }
        if (n < max && declared >= 0 && seen != declared) {
            throw new TraceFormatException(in.file(), declaredAt, "nr_regions: " + declared + " but " + seen
                    + " region lines follow it");
        }
        if (n < max) {
            n += flush(to, max - n);
        }
        return n;
    }

    /**
     * Replays the snapshot read so far over its interval (from the previous snapshot's end when
     * it has no monitoring_start). Several targets of one interval are one snapshot here: their
     * regions are passed over in the same rounds.
     */
    private long flush(AccessSink to, long max) {
        if (snap.size() == 0) {
            return 0;
        }
        long from = startNs >= 0 ? startNs : lastEndNs;
        long done = snap.replay(to, from, endNs, max);
        snap.clear();
        lastEndNs = endNs;
        startNs = -1;
        return done;
    }

    /** damo's time: "104.599 ms", "1 m 2.5 s", "0 ns". */
    static long time(LineReader in, String text) {
        long ns = timeNs(text);
        if (ns < 0) {
            throw in.error("a time like '104.599 ms' or '1 m 2.5 s'");
        }
        return ns;
    }

    /** damo's time text in ns, or -1 when it is none. */
    static long timeNs(String text) {
        Matcher m = TIME.matcher(text);
        double ns = 0;
        boolean any = false;
        while (m.find()) {
            any = true;
            double v = Double.parseDouble(m.group(1));
            ns += v * switch (m.group(2)) {
                case "ns" -> 1;
                case "us" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
        }
        return any ? Math.round(ns) : -1;
    }
}
