package org.mmproto.core.hooks;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.Site;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs driver callbacks so that a misbehaving driver cannot break the engine: a throw, a null
 * answer or an overrun of the time budget yields the site's fallback answer, is counted, and is
 * logged once per (plugin, site, hook). With a budget, each driver's calls run on its own
 * daemon thread so a hang is cut off; with {@link Duration#ZERO} calls run inline (no timeout).
 */
public final class Containment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Containment.class);

    /** One contained failure, for reports. */
    public record Incident(String pluginId, Site site, Hook hook, String kind, String detail) {
    }

    private final Duration budget;
    private final Map<String, ExecutorService> threads = new ConcurrentHashMap<>();
    private final Set<String> logged = new HashSet<>();
    private final java.util.List<Incident> incidents = new java.util.ArrayList<>();
    private final HookStats stats;

    public Containment(Duration budget, HookStats stats) {
        this.budget = budget;
        this.stats = stats;
    }

    public java.util.List<Incident> incidents() {
        return java.util.List.copyOf(incidents);
    }

    /**
     * Calls {@code call} for the driver's {@code hook} at {@code site}; returns its answer, or
     * {@code fallback} when the driver misbehaves.
     */
    <T> T call(BoundDriver d, Site site, Hook hook, Supplier<T> call, T fallback) {
        HookStats.Tally t = stats.hook(site, hook);
        t.consulted++;
        T answer;
        try {
            answer = budget.isZero() ? call.get() : timed(d, call);
        } catch (TimeoutException e) {
            return contain(d, site, hook, t, "timeout", "no answer within " + budget.toMillis() + " ms", fallback);
        } catch (RuntimeException | ExecutionException | LinkageError e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return contain(d, site, hook, t, "threw", cause.toString(), fallback);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return contain(d, site, hook, t, "interrupted", e.toString(), fallback);
        }
        if (answer == null) {
            return contain(d, site, hook, t, "null", "returned null", fallback);
        }
        return answer;
    }

    private <T> T timed(BoundDriver d, Supplier<T> call) throws InterruptedException, ExecutionException, TimeoutException {
        ExecutorService ex = threads.computeIfAbsent(d.pluginId() + "@" + d.binding().nid(), key ->
                Executors.newSingleThreadExecutor(r -> {
                    Thread th = new Thread(r, "driver-" + key);
                    th.setDaemon(true);
                    return th;
                }));
        Future<T> f = ex.submit(call::get);
        try {
            return f.get(budget.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            // a hung driver thread is abandoned; later calls get a fresh one
            threads.remove(d.pluginId() + "@" + d.binding().nid());
            ex.shutdownNow();
            throw e;
        }
    }

    private <T> T contain(BoundDriver d, Site site, Hook hook, HookStats.Tally t, String kind, String detail, T fallback) {
        t.contained++;
        incidents.add(new Incident(d.pluginId(), site, hook, kind, detail));
        String key = d.pluginId() + "|" + site + "|" + hook + "|" + kind;
        if (logged.add(key)) {
            LOG.warn("driver {} on node {}: {} at {} {}: {} (contained; the site's default answer is used, further "
                    + "reports suppressed)", d.pluginId(), d.binding().nid(), hook.kernelName(), site, kind, detail);
        }
        return fallback;
    }

    @Override
    public void close() {
        threads.values().forEach(ExecutorService::shutdownNow);
    }
}
