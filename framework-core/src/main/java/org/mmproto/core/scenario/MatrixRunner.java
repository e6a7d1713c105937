package org.mmproto.core.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs every scenario under every design, each run on a freshly booted kernel of its own, on a
 * fixed number of threads. Runs share nothing (each has its own injector, kernel and driver
 * instances), so the reports are the ones a sequential run gives, in scenario then design order.
 */
public final class MatrixRunner {
    /** Told after each run, from the thread that ran it, with the run's wall time. */
    public interface Progress {
        void runDone(String scenario, String design, long nanos);
    }

    private final Function<String, RunSetup> setups;
    private final int threads;

    /**
     * @param setups  the setup of one run by design name (a fresh one per call)
     * @param threads runs at a time, at least 1
     */
    public MatrixRunner(Function<String, RunSetup> setups, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.setups = setups;
        this.threads = threads;
    }

    /** Per scenario (in order), the design name to its run (in the order of {@code designs}). */
    public List<Map<String, RunReport>> run(List<Scenario> scenarios, List<String> designs, Progress progress) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "mmproto-run");
            t.setDaemon(true);
            return t;
        });
        try {
            List<List<Future<RunReport>>> futures = new ArrayList<>();
            for (Scenario s : scenarios) {
                List<Future<RunReport>> row = new ArrayList<>();
                for (String d : designs) {
                    row.add(pool.submit(() -> {
                        long t0 = System.nanoTime();
                        RunReport r = new ScenarioRunner(s, setups.apply(d)).run();
                        progress.runDone(s.name(), d, System.nanoTime() - t0);
                        return r;
                    }));
                }
                futures.add(row);
            }
            List<Map<String, RunReport>> out = new ArrayList<>();
            for (List<Future<RunReport>> row : futures) {
                Map<String, RunReport> runs = new LinkedHashMap<>();
                for (int i = 0; i < designs.size(); i++) {
                    runs.put(designs.get(i), join(row.get(i)));
                }
                out.add(runs);
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static RunReport join(Future<RunReport> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a run", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
