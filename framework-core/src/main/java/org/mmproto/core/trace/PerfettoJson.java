package org.mmproto.core.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Chrome trace-event JSON ({@code {"traceEvents":[...]}}, opens in ui.perfetto.dev): one process
 * track per node ({@code node N}, pid {@value #NODE_PID_BASE}+N, a thread per task acting on it)
 * and one per task for events of no node; direct reclaim and compaction as duration slices
 * (B/E), every other event an instant, {@code private:decision} and {@code private:hook} instants on the node's track,
 * each node's used pages as a counter. Times are the simulated microseconds of the ftrace text.
 */
public final class PerfettoJson implements TraceSink {
    static final int NODE_PID_BASE = 1_000_000;

    private final JsonGenerator json;
    private final Set<Long> named = new HashSet<>();

    public PerfettoJson(Writer out) {
        try {
            json = new JsonFactory().createGenerator(out);
            json.writeStartObject();
            json.writeStringField("displayTimeUnit", "ns");
            json.writeArrayFieldStart("traceEvents");
        } catch (IOException x) {
            throw new UncheckedIOException("writing the trace", x);
        }
    }

    @Override
    public void event(TraceEvent e) {
        int pid = e.nid() >= 0 ? NODE_PID_BASE + e.nid() : e.pid();
        try {
            name(pid, e.pid(), e);
            json.writeStartObject();
            json.writeStringField("name", switch (e.point()) {
                case PRIVATE_DECISION -> "decision " + e.values().get(0);
                case PRIVATE_HOOK -> "hook " + e.values().get(2);
                default -> e.point().event();
            });
            json.writeStringField("cat", e.point().system());
            String ph = switch (e.point()) {
                case MM_VMSCAN_DIRECT_RECLAIM_BEGIN, MM_COMPACTION_BEGIN -> "B";
                case MM_VMSCAN_DIRECT_RECLAIM_END, MM_COMPACTION_END -> "E";
                default -> "i";
            };
            json.writeStringField("ph", ph);
            if (ph.equals("i")) {
                json.writeStringField("s", "t");
            }
            json.writeNumberField("ts", e.timeNs() / 1000.0);
            json.writeNumberField("pid", pid);
            json.writeNumberField("tid", e.pid());
            json.writeObjectFieldStart("args");
            for (Map.Entry<String, Object> f : e.fields().entrySet()) {
                Object v = f.getValue();
                if (v instanceof Number n) {
                    json.writeNumberField(f.getKey(), n.longValue());
                } else {
                    json.writeStringField(f.getKey(), String.valueOf(v));
                }
            }
            json.writeNumberField("line", e.line());
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException("writing the trace", x);
        }
    }

    /** process_name / thread_name metadata the first time a track is used. */
    private void name(int pid, int tid, TraceEvent e) throws IOException {
        if (named.add((long) pid << 32)) {
            meta("process_name", pid, pid, pid >= NODE_PID_BASE ? "node " + (pid - NODE_PID_BASE) : e.comm() + "-" + e.pid());
        }
        if (named.add(((long) pid << 32) | (tid & 0xffffffffL))) {
            meta("thread_name", pid, tid, e.comm() + "-" + e.pid());
        }
    }

    private void meta(String what, int pid, int tid, String name) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", what);
        json.writeStringField("ph", "M");
        json.writeNumberField("pid", pid);
        json.writeNumberField("tid", tid);
        json.writeObjectFieldStart("args");
        json.writeStringField("name", name);
        json.writeEndObject();
        json.writeEndObject();
    }

    @Override
    public void counter(long timeNs, String name, int nid, long value) {
        int pid = NODE_PID_BASE + nid;
        try {
            if (named.add((long) pid << 32)) {
                meta("process_name", pid, pid, "node " + nid);
            }
            json.writeStartObject();
            json.writeStringField("name", name);
            json.writeStringField("ph", "C");
            json.writeNumberField("ts", timeNs / 1000.0);
            json.writeNumberField("pid", pid);
            json.writeNumberField("tid", pid);
            json.writeObjectFieldStart("args");
            json.writeNumberField("pages", value);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException("writing the trace", x);
        }
    }

    @Override
    public void close() {
        try {
            json.writeEndArray();
            json.writeEndObject();
            json.close();
        } catch (IOException x) {
            throw new UncheckedIOException("closing the trace", x);
        }
    }
}
