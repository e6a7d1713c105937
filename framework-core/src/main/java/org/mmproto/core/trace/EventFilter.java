package org.mmproto.core.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which tracepoints fire, in set_event's syntax (Documentation/trace/events.rst): a comma (or
 * space) separated list of {@code system:event}, {@code system:*} or {@code system:},
 * {@code *:event} or {@code :event}, a bare {@code name} (as trace_events.c reads it: every
 * event of the system {@code name} and every event called {@code name}, so {@code kmem} is
 * {@code kmem:*}) or {@code *} / {@code *:*} (everything); an entry starting with {@code !}
 * disables what it names, as {@code echo '!kmem:mm_page_free' >> set_event} does. Entries apply
 * left to right.
 */
public final class EventFilter {
    public static final EventFilter NONE = new EventFilter(List.of());
    public static final EventFilter ALL = parse("*:*");

    private record Entry(boolean enable, String system, String event) {
        boolean matches(Tracepoint t) {
            if (system == null) { // a bare name: a system or an event
                return event.equals("*") || event.equals(t.system()) || event.equals(t.event());
            }
            return (system.equals("*") || system.equals(t.system())) && (event.equals("*") || event.equals(t.event()));
        }
    }

    private final List<Entry> entries;

    private EventFilter(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Parses a spec; throws IllegalArgumentException naming an entry that matches no tracepoint. */
    public static EventFilter parse(String spec) {
        List<Entry> out = new ArrayList<>();
        for (String raw : spec.trim().split("[,\\s]+")) {
            if (raw.isEmpty()) {
                continue;
            }
            boolean enable = !raw.startsWith("!");
            String s = (enable ? raw : raw.substring(1)).toLowerCase(Locale.ROOT);
            int colon = s.indexOf(':');
            String system = colon < 0 ? null : colon == 0 ? "*" : s.substring(0, colon);
            String event = colon < 0 ? s : s.substring(colon + 1);
            if (event.isEmpty()) {
                event = "*";
            }
            Entry e = new Entry(enable, system, event);
            boolean any = false;
            for (Tracepoint t : Tracepoint.values()) {
                any |= e.matches(t);
            }
            if (!any) {
                throw new IllegalArgumentException("--events: '" + raw + "' names no tracepoint; known: "
                        + String.join(", ", java.util.Arrays.stream(Tracepoint.values()).map(Tracepoint::fullName).toList()));
            }
            out.add(e);
        }
        return new EventFilter(out);
    }

    public boolean matches(Tracepoint t) {
        boolean on = false;
        for (Entry e : entries) {
            if (e.matches(t)) {
                on = e.enable;
            }
        }
        return on;
    }
}
