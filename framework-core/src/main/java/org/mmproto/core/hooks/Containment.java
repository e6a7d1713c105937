package org.mmproto.core.hooks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.mmproto.api.driver.ForbiddenCallException;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.Site;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs driver calls so that a misbehaving driver cannot break the engine (CONTRACT R2, R3). Each
 * bound driver has one {@link DriverLane}: its calls run one at a time on its own thread, each
 * within the budget. A throw, a null answer or a refused JDK call yields the site's fallback
 * answer; an overrun yields it too and quarantines the driver: from then on no call reaches it
 * and each of its hook calls answers the fallback, counted as contained (kind "quarantined").
 * Every incident is recorded; the log gets one line per (driver, site, hook, kind) and one for
 * the quarantine.
 */
public final class Containment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("driver.containment");

    /** One contained failure, for reports. {@code pluginId} is how the run names the driver (id and jar). */
    public record Incident(String pluginId, Site site, Hook hook, String kind, String detail) {
    }

    /** bind() (or the driver's construction) failed; {@code kind} as in {@link Incident}. */
    public static final class BindFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final String kind;

        BindFailure(String kind, String detail, Throwable cause) {
            super(detail, cause);
            this.kind = kind;
        }

        public String kind() {
            return kind;
        }
    }

    private final Duration budget;
    private final Map<String, DriverLane> lanes = new HashMap<>();
    private final Set<String> logged = new HashSet<>();
    private final Set<String> quarantineReported = new HashSet<>();
    private final List<Incident> incidents = new ArrayList<>();
    private final HookStats stats;
    private HookObserver observer = HookObserver.NONE;
    private HookTrace trace = new HookTrace(org.mmproto.core.trace.Tracer.OFF);

    public Containment(Duration budget, HookStats stats) {
        this.budget = budget;
        this.stats = stats;
    }

    public List<Incident> incidents() {
        return List.copyOf(incidents);
    }

    /** Installs the run's observer of driver calls (replacing the previous one). */
    public void observe(HookObserver o) {
        this.observer = Objects.requireNonNull(o, "observer");
    }

    public HookObserver observer() {
        return observer;
    }

    /** The private:hook tracepoint of every driver call from now on (set at boot). */
    public void attachTracer(org.mmproto.core.trace.Tracer t) {
        this.trace = new HookTrace(t);
    }

    /** A driver call returned: the observer sees it, the trace records it. */
    void called(HookObserver.Call c, String driver) {
        observer.called(c);
        trace.called(c, driver);
    }

    public Duration budget() {
        return budget;
    }

    /**
     * The wall time after which a call under CPU budget {@code budget} that is not running
     * (sleeping, waiting, blocked) counts as hung (R3.3): the budget, at least one second. An
     * injected hang must outlast it.
     */
    public static Duration hangAfter(Duration budget) {
        return DriverLane.hangAfter(budget);
    }

    /**
     * An injected hang (fault injection's mode=hang): sleeps {@code hang} on the calling thread. A
     * lane waiting for this thread knows the call hung and does not wait out the hang timeout;
     * the call is judged as any hung call (fallback, quarantine: R3.3, R3.4).
     */
    public static void injectedHang(Duration hang) throws InterruptedException {
        DriverLane.declareHang(Thread.currentThread(), true);
        try {
            Thread.sleep(hang.toMillis());
        } finally {
            DriverLane.declareHang(Thread.currentThread(), false);
        }
    }

    /**
     * Runs the framework's own {@code work} (class generation, injector creation) on a driver's
     * lane without charging its CPU time to the driver's budget (R3.3).
     */
    public static <T> T unbudgeted(java.util.function.Supplier<T> work) {
        return DriverLane.unbudgeted(work);
    }

    /** The lane of the driver bound to {@code nid} under {@code pluginId}; one per binding. */
    DriverLane lane(String pluginId, int nid) {
        return lanes.computeIfAbsent(pluginId + "@" + nid, key -> new DriverLane(key, budget));
    }

    /** Whether the driver bound to {@code nid} under {@code pluginId} overran its budget. */
    public boolean quarantined(String pluginId, int nid) {
        DriverLane l = lanes.get(pluginId + "@" + nid);
        return l != null && l.quarantined();
    }

    /**
     * Creates and binds a driver on its lane (R3.5): the answer, or a {@link BindFailure} saying
     * what went wrong (threw, null, timeout, a refused call).
     */
    public <T> T bind(String pluginId, int nid, Callable<T> call) throws BindFailure {
        DriverLane lane = lane(pluginId, nid);
        T answer;
        try {
            answer = lane.run(call);
        } catch (TimeoutException e) {
            throw new BindFailure("timeout", "no answer within the " + budget.toMillis()
                    + " ms budget (" + (e.getMessage() == null ? "" : e.getMessage() + "; ")
                    + "the driver is quarantined; --budget-ms sets the budget)", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BindFailure(kindOf(cause), describe(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BindFailure("interrupted", e.toString(), e);
        }
        if (answer == null) {
            throw new BindFailure("null", "returned null", null);
        }
        return answer;
    }

    /**
     * Calls {@code call} for the driver's {@code hook} at {@code site}; returns its answer, or
     * {@code fallback} when the driver misbehaves or is quarantined.
     */
    <T> T call(BoundDriver d, Site site, Hook hook, Supplier<T> call, T fallback) {
        HookStats.Tally t = stats.hook(site, hook);
        t.consulted++;
        DriverLane lane = lane(d.pluginId(), d.binding().nid());
        if (lane.quarantined()) {
            t.contained++;
            if (quarantineReported.add(lane.name())) {
                incidents.add(new Incident(d.pluginId(), site, hook, "quarantined",
                        "not called: the driver overran its budget earlier and is quarantined"));
            }
            return fallback;
        }
        T answer;
        try {
            answer = lane.run(call::get);
        } catch (TimeoutException e) {
            T r = contain(d, site, hook, t, "timeout", "no answer within " + budget.toMillis() + " ms"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), fallback);
            LOG.warn("driver {} on node {} is quarantined: it overran its {} ms budget in {} at {}; every later call "
                    + "answers the contract's default", d.pluginId(), d.binding().nid(), budget.toMillis(), hook.kernelName(), site);
            return r;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return contain(d, site, hook, t, kindOf(cause), describe(cause), fallback);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return contain(d, site, hook, t, "interrupted", e.toString(), fallback);
        }
        if (answer == null) {
            return contain(d, site, hook, t, "null", "returned null", fallback);
        }
        return answer;
    }

    private static String kindOf(Throwable t) {
        return find(t, ForbiddenCallException.class) != null ? "forbidden-call" : "threw";
    }

    /**
     * What a failure says: a refused JDK call, the cause of a failed static initializer (R3.7),
     * or the exception itself; wrapped ones (e.g. by Guice) are looked through.
     */
    public static String describe(Throwable t) {
        ForbiddenCallException f = find(t, ForbiddenCallException.class);
        if (f != null) {
            return f.call() + " refused (a driver may not end the process or stop threads)";
        }
        ExceptionInInitializerError e = find(t, ExceptionInInitializerError.class);
        if (e != null && e.getCause() != null) {
            return "a static initializer failed: " + e.getCause();
        }
        return t.toString();
    }

    private static <X extends Throwable> X find(Throwable t, Class<X> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private <T> T contain(BoundDriver d, Site site, Hook hook, HookStats.Tally t, String kind, String detail, T fallback) {
        t.contained++;
        incidents.add(new Incident(d.pluginId(), site, hook, kind, detail));
        String key = d.pluginId() + "@" + d.binding().nid() + "|" + site + "|" + hook + "|" + kind;
        if (logged.add(key)) {
            LOG.warn("driver {} on node {}: {} at {} {}: {} (contained; the site's default answer is used, further "
                    + "reports suppressed)", d.pluginId(), d.binding().nid(), hook.kernelName(), site, kind, detail);
        }
        return fallback;
    }

    @Override
    public void close() {
        lanes.values().forEach(DriverLane::close);
    }
}
