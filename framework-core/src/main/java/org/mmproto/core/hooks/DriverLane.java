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
 * waits for each call up to the budget; a call that overruns it quarantines the lane: its thread
 * is abandoned (interrupted, left to finish on its own) and no later call is ever submitted, so
 * driver state is never touched by two threads. With a zero budget calls run on the caller's
 * thread, without a timeout.
 *
 * <p>An overrun is judged as the soft-lockup detector judges a CPU: a call still running when the
 * budget ends is quarantined at once if its thread waits (sleeping, parked, blocked on a lock);
 * if it is runnable, it is given further budget-long slices as long as it got less than half of
 * each slice's CPU time (a loaded machine starved it; it did not overrun), up to
 * {@link #STARVED_SLICES} slices. A thread that spins gets its CPU and is quarantined after one
 * more slice on a quiet machine.
 *
 * <p>The lane is also the gate through which the driver reaches the engine ({@link #engine}):
 * while a call is in progress, or from the engine's own thread (the one that made the lane)
 * between calls, and never once quarantined; under a lock the caller takes before it marks the
 * lane quarantined, so an abandoned thread cannot touch engine state once the engine has moved
 * on (R2.4).
 */
final class DriverLane implements AutoCloseable {
    private final String name;
    /** Budget-long slices a starved, runnable call may take in all before it counts as hung. */
    static final int STARVED_SLICES = 25;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Duration budget;
    private volatile Thread laneThread;
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
            Future<T> f = thread().submit(call);
            try {
                return awaitWithinBudget(f);
            } catch (TimeoutException e) {
                quarantine();
                f.cancel(true);
                throw e;
            }
        } finally {
            leave();
        }
    }

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
