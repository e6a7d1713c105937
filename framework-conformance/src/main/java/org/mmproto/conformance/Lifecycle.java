package org.mmproto.conformance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * R6.4: what the JVM had before the plugin was loaded (its threads and system properties), and
 * after the kit stopped and unloaded it: nothing the plugin started or set may remain. A jar is
 * then loaded again and its driver created once, as a reload would.
 */
final class Lifecycle {
    private final Set<Thread> threads;
    private final Map<String, String> properties;

    private Lifecycle(Set<Thread> threads, Map<String, String> properties) {
        this.threads = new java.util.HashSet<>(threads);
        this.properties = properties;
    }

    /**
     * Takes what changed since {@code before} (threads started, properties set) as part of the JVM
     * the plugin found: the work of others, e.g. the design plugins of {@code --plugins DIR}, loaded
     * between {@code before} and now, whose state is not the jar under test's.
     */
    void admitSince(Lifecycle before) {
        Lifecycle now = snapshot();
        now.threads.stream().filter(t -> !before.threads.contains(t)).forEach(threads::add);
        now.properties.forEach((k, v) -> {
            if (!Objects.equals(v, before.properties.get(k))) {
                properties.put(k, v);
            }
        });
    }

    static Lifecycle snapshot() {
        return new Lifecycle(Thread.getAllStackTraces().keySet(), properties());
    }

    private static Map<String, String> properties() {
        Map<String, String> m = new HashMap<>();
        System.getProperties().forEach((k, v) -> m.put(String.valueOf(k), String.valueOf(v)));
        return m;
    }

    Result check(DriverUnderTest d, ConformanceKit.Options o) {
        List<String> left = new ArrayList<>();
        List<Thread> extra = newThreads();
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (!extra.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            extra = newThreads();
        }
        if (!extra.isEmpty()) {
            left.add("thread(s) still running after the plugin was unloaded: "
                    + extra.stream().map(t -> "'" + t.getName() + "'").collect(Collectors.joining(", ")));
        }
        Map<String, String> now = properties();
        // user.timezone: the JDK sets it on the first TimeZone.getDefault(), whoever asks
        List<String> changed = now.keySet().stream().filter(k -> !k.equals("user.timezone")
                && !Objects.equals(now.get(k), properties.get(k)))
                .sorted().toList();
        if (!changed.isEmpty()) {
            left.add("system properties set: " + String.join(", ", changed));
        }
        String reload = d.pluginJar() != null ? reload(d.pluginJar(), o) : null;
        if (reload != null) {
            left.add(reload);
        }
        return left.isEmpty() ? Result.pass(Rules.LIFECYCLE, Result.NO_DESIGN, o.seed())
                : Result.fail(Rules.LIFECYCLE, Result.NO_DESIGN, "load, bind, unload", "", o.seed(), String.join("; ", left));
    }

    /** Threads started since the snapshot, other than the engine's own driver lanes (ended by the kit). */
    private List<Thread> newThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !threads.contains(t) && !t.getName().startsWith("driver-")
                        && t.getThreadGroup() != null && !"system".equals(t.getThreadGroup().getName()))
                .toList();
    }

    /** Loads the jar again and creates its driver once; null when that worked. */
    private static String reload(java.nio.file.Path jar, ConformanceKit.Options o) {
        try (LoadedDriver again = LoadedDriver.fromJar(jar, o.budget())) {
            return again.factory.get() == null ? "a second load created no driver" : null;
        } catch (LoadedDriver.LoadFailure e) {
            return "a second load failed: " + e.getMessage();
        } catch (RuntimeException e) {
            return "a second load failed to create the driver: " + e;
        }
    }
}
