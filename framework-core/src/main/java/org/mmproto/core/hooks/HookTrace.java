package org.mmproto.core.hooks;

import java.util.Locale;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.trace.Tracepoint;
import org.mmproto.core.trace.Tracer;

/**
 * The {@code private:hook} tracepoint: one event per call the engine made to a node's driver,
 * after it returned, on the node's track. The latency is the call's wall-clock time (containment
 * included), the one field of a trace that differs between two runs of a scenario.
 */
final class HookTrace {
    private final Tracer tracer;

    HookTrace(Tracer tracer) {
        this.tracer = tracer;
    }

    void called(HookObserver.Call c, String driver) {
        if (tracer.on(Tracepoint.PRIVATE_HOOK)) {
            tracer.emit(Tracepoint.PRIVATE_HOOK, c.nid(), c.nid(), driver, c.hook().kernelName(),
                    c.site().name().toLowerCase(Locale.ROOT), answer(c.answer()), c.contained() ? 1 : 0, c.nanos());
        }
    }

    /** One word per answer, as private:decision prints verdicts: allow, deny:ENOMEM, an action's name. */
    static String answer(Object a) {
        if (a instanceof Verdict.Allow) {
            return "allow";
        }
        if (a instanceof Verdict.Deny d) {
            return d.errno() != null ? "deny:" + d.errno() : "deny";
        }
        if (a instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        if (a instanceof Boolean b) {
            return b ? "delivered" : "undelivered";
        }
        return String.valueOf(a).replaceAll("\\s+", "");
    }
}
