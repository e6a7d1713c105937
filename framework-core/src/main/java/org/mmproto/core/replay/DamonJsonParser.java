package org.mmproto.core.replay;

import org.mmproto.core.replay.JsonTokens.Kind;

/**
 * damo's JSON record format ({@code damo record --output_type json}, or {@code damo report raw}'s
 * JSON): an array of records, one per monitoring target, each with {@code snapshots}; a snapshot
 * has {@code start_time}, {@code end_time} and {@code regions}; a region has {@code start},
 * {@code end}, {@code nr_accesses} ({@code {"samples": N, ...}}, or a bare number in older
 * damo) and {@code age}. Numbers may be JSON numbers or damo's strings ("4096", "4,096"; times
 * "104599000" ns or "104.599 ms"). Every other key is skipped. Replayed as the text form: a
 * region with N samples is N passes over its pages spread over the snapshot's interval
 * ({@link DamonSnapshot}). One snapshot's regions are held until the snapshot ends (its keys may
 * come in any order); nothing more.
 */
public final class DamonJsonParser implements AccessParser {
    private static final String RECORD = "a damo record object {\"target_id\": ..., \"snapshots\": [...]}";
    private long n;
    private long max;
    private final DamonSnapshot snap = new DamonSnapshot();

    @Override
    public long replay(LineReader in, AccessSink to, long max) {
        JsonTokens t = new JsonTokens(in);
        this.n = 0;
        this.max = max;
        Kind first = t.next();
        if (first == Kind.BEGIN_OBJECT) {
            record(t, to); // a single record, not in a list
        } else if (first == Kind.BEGIN_ARRAY) {
            if (t.peek() == Kind.END_ARRAY) {
                t.next();
            } else {
                do {
                    t.expect(Kind.BEGIN_OBJECT, RECORD);
                    record(t, to);
                    if (n >= max) {
                        return n;
                    }
                } while (more(t, Kind.END_ARRAY, "',' or ']' after a record"));
            }
        } else {
            throw t.error("a JSON array of damo records");
        }
        if (n < max && t.next() != Kind.END) {
            throw t.error("the end of the file after the records");
        }
        return n;
    }

    /** After a member: true on ',', false on {@code close}. */
    private static boolean more(JsonTokens t, Kind close, String what) {
        Kind k = t.next();
        if (k == Kind.COMMA) {
            return true;
        }
        if (k == close) {
            return false;
        }
        throw t.error(what);
    }

    /** The key of the next member of an open object, or null at its '}'. */
    private static String key(JsonTokens t, boolean first) {
        if (first && t.peek() == Kind.END_OBJECT) {
            t.next();
            return null;
        }
        t.expect(Kind.STRING, "a quoted key");
        String k = t.text();
        t.expect(Kind.COLON, "':' after the key \"" + k + "\"");
        return k;
    }

    private void record(JsonTokens t, AccessSink to) {
        for (String k = key(t, true); k != null; k = more(t, Kind.END_OBJECT, "',' or '}' in a record")
                ? key(t, false) : null) {
            if (!k.equals("snapshots")) {
                t.skipValue();
                continue;
            }
            t.expect(Kind.BEGIN_ARRAY, "\"snapshots\": a list of snapshots");
            if (t.peek() == Kind.END_ARRAY) {
                t.next();
                continue;
            }
            do {
                t.expect(Kind.BEGIN_OBJECT, "a snapshot {\"start_time\": ..., \"end_time\": ..., \"regions\": [...]}");
                snapshot(t, to);
                if (n >= max) {
                    return;
                }
            } while (more(t, Kind.END_ARRAY, "',' or ']' after a snapshot"));
        }
    }

    private void snapshot(JsonTokens t, AccessSink to) {
        long endNs = -1;
        long startNs = -1;
        snap.clear();
        long line = t.reader().line();
        for (String k = key(t, true); k != null; k = more(t, Kind.END_OBJECT, "',' or '}' in a snapshot")
                ? key(t, false) : null) {
            switch (k) {
                case "end_time" -> endNs = time(t);
                case "start_time" -> startNs = time(t);
                case "regions" -> regions(t);
                default -> t.skipValue();
            }
        }
        if (endNs < 0) {
            throw new TraceFormatException(t.reader().file(), line, "expected \"end_time\" in the snapshot that starts here");
        }
        n += snap.replay(to, startNs, endNs, max - n);
    }

    private void regions(JsonTokens t) {
        t.expect(Kind.BEGIN_ARRAY, "\"regions\": a list of regions");
        if (t.peek() == Kind.END_ARRAY) {
            t.next();
            return;
        }
        do {
            t.expect(Kind.BEGIN_OBJECT, "a region {\"start\": ..., \"end\": ..., \"nr_accesses\": ...}");
            region(t);
        } while (more(t, Kind.END_ARRAY, "',' or ']' after a region"));
    }

    private void region(JsonTokens t) {
        long start = -1;
        long end = -1;
        long nr = -1;
        long line = t.reader().line();
        for (String k = key(t, true); k != null; k = more(t, Kind.END_OBJECT, "',' or '}' in a region")
                ? key(t, false) : null) {
            switch (k) {
                case "start" -> start = number(t, "\"start\": an address");
                case "end" -> end = number(t, "\"end\": an address");
                case "nr_accesses" -> nr = nrAccesses(t);
                default -> t.skipValue();
            }
        }
        if (start < 0 || end < 0 || nr < 0) {
            throw new TraceFormatException(t.reader().file(), line, "expected \"start\", \"end\" and \"nr_accesses\""
                    + " in the region that starts here");
        }
        if (end <= start) {
            throw new TraceFormatException(t.reader().file(), line, "expected a region whose end is above its start,"
                    + " got " + start + "-" + end);
        }
        snap.add(start, end, nr);
    }

    /** {@code {"samples": N, "percent": P}} (damo today) or a bare count (older damo). */
    private static long nrAccesses(JsonTokens t) {
        if (t.peek() != Kind.BEGIN_OBJECT) {
            return number(t, "\"nr_accesses\": a count or {\"samples\": N}");
        }
        t.next();
        long samples = -1;
        for (String k = key(t, true); k != null; k = more(t, Kind.END_OBJECT, "',' or '}' in nr_accesses")
                ? key(t, false) : null) {
            if (k.equals("samples") && t.peek() != Kind.NULL) {
                samples = number(t, "\"samples\": a count");
            } else {
                t.skipValue();
            }
        }
        if (samples < 0) {
            throw t.error("\"nr_accesses\" with a \"samples\" count");
        }
        return samples;
    }

    /** A non-negative integer, as a JSON number or damo's string of digits (commas allowed). */
    private static long number(JsonTokens t, String what) {
        Kind k = t.next();
        if (k != Kind.NUMBER && k != Kind.STRING) {
            throw t.error(what);
        }
        String s = t.text().replace(",", "").strip();
        try {
            long v = Long.parseLong(s);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw t.error(what + " (a non-negative integer)");
    }

    /** ns as a number or digit string, or damo's text ("104.599 ms", "1 m 2.500 s"). */
    private static long time(JsonTokens t) {
        Kind k = t.next();
        if (k == Kind.NUMBER || k == Kind.STRING && t.text().strip().matches("[0-9,]+")) {
            return Long.parseLong(t.text().replace(",", "").strip());
        }
        if (k == Kind.STRING) {
            long ns = DamonParser.timeNs(t.text());
            if (ns >= 0) {
                return ns;
            }
        }
        throw t.error("a time: ns, or a time like \"104.599 ms\"");
    }
}
