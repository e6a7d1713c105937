package org.mmproto.core.hooks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The one thread a driver's calls run on, one call at a time (CONTRACT R2.1, R2.2). The caller
 * waits for each call; a call that overruns its budget quarantines the lane: its thread is
 * abandoned (interrupted, left to finish on its own) and no later call is ever submitted, so
 * driver state is never touched by two threads. With a zero budget calls run on the caller's
 * thread, without a timeout.
 *
 * <p>The budget is CPU time (CONTRACT R3.3): what the call's thread used since the call began
 * ({@link ThreadMXBean} thread CPU time) less the framework's own work done on that thread
 * ({@link #unbudgeted}: class generation, injector creation), so that a loaded machine, which
 * delays a call without making it use more CPU, does not change the outcome. A call overran when
 * its CPU time exceeds the budget (seen while it runs, or when it answers: that answer is not
 * used), or when it hung: its thread's CPU time, sampled every poll, did not advance for a whole
 * {@link #hangAfter} while not running (sleeping, waiting, blocked); a call that sleeps and works
 * in turn is not hung. A runnable call that got no CPU (starved by the load, or in a native read)
 * is waited for up to {@link #STARVED_HANGS} hang timeouts. Where the JVM measures no thread CPU time the
 * budget is wall time, judged slice by slice as the soft-lockup detector judges a CPU (the
 * fallback below).
 *
 * <p>The lane is also the gate through which the driver reaches the engine ({@link #engine}):
 * while a call is in progress, or from the engine's own thread (the one that made the lane)
 * between calls, and never once quarantined; under a lock the caller takes before it marks the
 * lane quarantined, so an abandoned thread cannot touch engine state once the engine has moved
 * on (R2.4).
 */
final class DriverLane implements AutoCloseable {
    private final String name;
    /** Budget-long slices a starved, runnable call may take in all before it counts as hung (wall-time fallback). */
    static final int STARVED_SLICES = 25;

    /** The least wall time a call may spend without running before it counts as hung. */
    static final Duration HANG_FLOOR = Duration.ofSeconds(1);

    /** Hang timeouts a runnable call that used less than its CPU budget is waited for in all. */
    static final int STARVED_HANGS = 25;

    /** Threads in an injected hang ({@link Containment#injectedHang}): hung by declaration, not waited out. */
    private static final java.util.Set<Thread> DECLARED_HANGS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static void declareHang(Thread t, boolean hanging) {
        if (hanging) {
            DECLARED_HANGS.add(t);
        } else {
            DECLARED_HANGS.remove(t);
        }
    }

    /** The lane whose call the current thread is running, if any. */
    private static final ThreadLocal<DriverLane> CURRENT = new ThreadLocal<>();

    /** Guards {@link #excludedCpu} and {@link #excludedFrom}. */
    private final Object excluded = new Object();
    /** CPU time of the current call spent in the framework's own work ({@link #unbudgeted}). */
    private long excludedCpu;
    /** The lane thread's CPU time when the framework's work in progress began; -1 when none is. */
    private long excludedFrom = -1;

    /**
     * Runs {@code work}, the framework's own work done on a lane's thread during a call (class
     * generation for fault injection, injector creation), without charging its CPU time to the
     * driver's budget (R3.3). Off a lane's thread, or nested, it just runs {@code work}.
     */
    static <T> T unbudgeted(Supplier<T> work) {
        DriverLane lane = CURRENT.get();
        if (lane == null || !CPU_TIME) {
            return work.get();
        }
        synchronized (lane.excluded) {
            if (lane.excludedFrom >= 0) {
                return work.get();
            }
            lane.excludedFrom = currentThreadCpu();
        }
        try {
            return work.get();
        } finally {
            long now = currentThreadCpu();
            synchronized (lane.excluded) {
                lane.excludedCpu += Math.max(0, now - lane.excludedFrom);
                lane.excludedFrom = -1;
            }
        }
    }

    /** The driver's own CPU time of the current call: the lane thread's at {@code cpuNow} less the framework's. */
    private long driverCpu(long cpuNow, long c0) {
        synchronized (excluded) {
            long framework = excludedCpu + (excludedFrom >= 0 ? Math.max(0, cpuNow - excludedFrom) : 0);
            return Math.max(0, cpuNow - c0 - framework);
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Duration budget;
    private volatile Thread laneThread;
    /** The lane thread's CPU time when the current call began; -1 until it began. */
    private volatile long callCpuStart = -1;
    /** The CPU time the last finished call used; -1 where not measured. */
    private volatile long callCpuUsed = -1;
    private final Object lock = new Object();
    private final Thread engineThread = Thread.currentThread();
    private ExecutorService thread;
    private boolean inCall;
    private boolean quarantined;

    DriverLane(String name, Duration budget) {
        this.name = name;
        this.budget = budget;
    }

    String name() {
        return name;
    }

    boolean quarantined() {
        synchronized (lock) {
            return quarantined;
        }
    }

    /**
     * Runs {@code call} on the lane's thread and waits up to the budget.
     *
     * @throws TimeoutException when it overran: the lane is now quarantined
     * @throws ExecutionException with what the call threw
     * @throws IllegalStateException when the lane is already quarantined
     */
    <T> T run(Callable<T> call) throws TimeoutException, ExecutionException, InterruptedException {
        enter();
        try {
            if (budget.isZero()) {
                try {
                    return call.call();
                } catch (Exception | LinkageError e) {
                    throw new ExecutionException(e);
                }
            }
            callCpuStart = -1;
            callCpuUsed = -1;
            synchronized (excluded) {
                excludedCpu = 0;
                excludedFrom = -1;
            }
            Future<T> f = thread().submit(() -> {
                long c0 = currentThreadCpu();
                callCpuStart = c0;
                CURRENT.set(this);
                try {
                    return call.call();
                } finally {
                    CURRENT.remove();
                    callCpuUsed = c0 < 0 ? -1 : driverCpu(currentThreadCpu(), c0);
                }
            });
            try {
                return CPU_TIME ? awaitWithinCpuBudget(f) : awaitWithinBudget(f);
            } catch (TimeoutException e) {
                quarantine();
                f.cancel(true);
                throw e;
            }
        } finally {
            leave();
        }
    }

    /** Whether this JVM measures each thread's CPU time (else the budget is wall time). */
    private static final boolean CPU_TIME = cpuTimeSupported();

    private static boolean cpuTimeSupported() {
        try {
            if (!THREADS.isThreadCpuTimeSupported() || !THREADS.isCurrentThreadCpuTimeSupported()) {
                return false;
            }
            if (!THREADS.isThreadCpuTimeEnabled()) {
                THREADS.setThreadCpuTimeEnabled(true);
            }
            return THREADS.getCurrentThreadCpuTime() >= 0;
        } catch (UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /**
     * The wall time a call of a lane with CPU budget {@code budget} may spend without running
     * before it counts as hung: the budget, and at least {@link #HANG_FLOOR}.
     */
    static Duration hangAfter(Duration budget) {
        return budget.compareTo(HANG_FLOOR) > 0 ? budget : HANG_FLOOR;
    }

    /**
     * Waits for {@code f} as long as it keeps within its CPU budget and is not hung; polls the
     * lane thread's CPU time every quarter budget (at most 50 ms).
     */
    private <T> T awaitWithinCpuBudget(Future<T> f) throws TimeoutException, ExecutionException, InterruptedException {
        long cpuBudget = budget.toNanos();
        long hang = hangAfter(budget).toNanos();
        long poll = Math.max(1_000_000L, Math.min(cpuBudget / 4, 50_000_000L));
        long start = System.nanoTime();
        long lastCpu = -1;
        long lastAdvance = start;
        while (true) {
            T answer;
            try {
                answer = f.get(poll, TimeUnit.NANOSECONDS);
            } catch (TimeoutException running) {
                Thread th = laneThread;
                long c0 = callCpuStart;
                long now = System.nanoTime();
                long cpu = th == null || c0 < 0 ? -1 : threadCpu(th);
                long used = cpu < 0 ? 0 : driverCpu(cpu, c0);
                if (used > cpuBudget) {
                    throw new TimeoutException(overCpu(used));
                }
                if (th != null && DECLARED_HANGS.contains(th)) {
                    throw new TimeoutException("hung: an injected hang (fault injection, mode=hang), " + used / 1_000_000
                            + " ms of CPU used");
                }
                if (cpu < 0 || cpu > lastCpu) {
                    // the call began, or got CPU since the last sample: not hung (yet)
                    lastCpu = cpu;
                    lastAdvance = now;
                }
                long idle = now - lastAdvance;
                if (idle >= hang && (th == null || th.getState() != Thread.State.RUNNABLE)) {
                    throw new TimeoutException("hung: got no CPU for " + idle / 1_000_000 + " ms (sleeping, waiting or"
                            + " blocked), " + used / 1_000_000 + " ms of CPU used");
                }
                if (idle >= hang * STARVED_HANGS || now - start >= hang * STARVED_HANGS * 4) {
                    throw new TimeoutException("hung: " + (now - start) / 1_000_000 + " ms without an answer, " + idle / 1_000_000
                            + " ms of them without CPU, " + used / 1_000_000 + " ms of CPU used");
                }
                continue;
            }
            long used = callCpuUsed;
            if (used > cpuBudget) {
                throw new TimeoutException(overCpu(used));
            }
            return answer;
        }
    }

    private String overCpu(long used) {
        return "used " + used / 1_000_000 + " ms of CPU, over its " + budget.toMillis() + " ms budget";
    }

    private static long currentThreadCpu() {
        try {
            return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : -1;
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }

    /** The wall-time fallback: budget-long slices, a starved runnable call waited for (soft-lockup style). */
    private <T> T awaitWithinBudget(Future<T> f) throws TimeoutException, ExecutionException, InterruptedException {
        long slice = budget.toNanos();
        try {
            return f.get(slice, TimeUnit.NANOSECONDS);
        } catch (TimeoutException overran) {
            for (int i = 1; i < STARVED_SLICES; i++) {
                Thread th = laneThread;
                if (th == null || th.getState() != Thread.State.RUNNABLE) {
                    throw overran;
                }
                long cpu0 = threadCpu(th);
                try {
                    return f.get(slice, TimeUnit.NANOSECONDS);
                } catch (TimeoutException again) {
                    long cpu1 = threadCpu(th);
                    if (cpu0 < 0 || cpu1 < 0 || cpu1 - cpu0 >= slice / 2) {
                        throw again;
                    }
                }
            }
            throw overran;
        }
    }

    private static long threadCpu(Thread th) {
        try {
            return THREADS.isThreadCpuTimeSupported() ? THREADS.getThreadCpuTime(th.getId()) : -1;
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }

    /** A driver's access to engine state: only inside a call of a lane that is not quarantined. */
    <T> T engine(Supplier<T> access) {
        synchronized (lock) {
            if (quarantined) {
                throw new IllegalStateException("driver " + name + " is quarantined: it may not use the engine any more");
            }
            if (!inCall && Thread.currentThread() != engineThread) {
                throw new IllegalStateException("driver " + name + " used its DriverContext from thread "
                        + Thread.currentThread().getName() + " outside a call the engine made to it");
            }
            return access.get();
        }
    }

    private void enter() {
        synchronized (lock) {
            if (quarantined) {
                throw new IllegalStateException("driver " + name + " is quarantined");
            }
            inCall = true;
        }
    }

    private void leave() {
        synchronized (lock) {
            inCall = false;
        }
    }

    private void quarantine() {
        synchronized (lock) {
            quarantined = true;
        }
    }

    private ExecutorService thread() {
        if (thread == null) {
            thread = Executors.newSingleThreadExecutor(r -> {
                Thread th = new Thread(r, "driver-" + name);
                th.setDaemon(true);
                laneThread = th;
                return th;
            });
        }
        return thread;
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
