package org.mmproto.core.replay;

/**
 * Trace time to the simulated kernel's time: the kernel's clock advances trace time divided by
 * {@code speed}, in ticks of {@code tickMs}, and each tick runs the daemons (kswapd, NUMA
 * balancing's scanner, kcompactd, khugepaged, the drivers' delayed work) as a {@code tick} step
 * does ({@link org.mmproto.core.kernel.Daemons}). Speed 0.001 makes one millisecond of
 * the program one second of kernel time (the scanner then sees a short trace as a long run).
 */
public final class ReplayClock {
    /** What a tick runs; returns nothing the clock needs. */
    @FunctionalInterface
    public interface Ticker {
        void tick(long ms);
    }

    private final double speed;
    private final long tickNs;
    private final Ticker ticker;
    private long originNs = -1;
    private long nextTickAt;
    private long ticks;

    public ReplayClock(double speed, long tickMs, Ticker ticker) {
        if (!(speed > 0) || tickMs <= 0) {
            throw new IllegalArgumentException("speed must be > 0 and the tick >= 1 ms");
        }
        this.speed = speed;
        this.tickNs = tickMs * 1_000_000L;
        this.ticker = ticker;
    }

    /** The trace has reached {@code traceNs} (any origin; the first call sets it). */
    public void at(long traceNs) {
        if (originNs < 0) {
            originNs = traceNs;
            nextTickAt = tickNs;
            return;
        }
        double simNs = (traceNs - originNs) / speed;
        while (simNs >= nextTickAt) {
            ticker.tick(tickNs / 1_000_000L);
            ticks++;
            nextTickAt += tickNs;
        }
    }

    /** The ticks run so far. */
    public long ticks() {
        return ticks;
    }

    /** The next trace time (ns) at which a tick runs: lets a hot loop skip {@link #at} until then. */
    public long nextTickTraceNs() {
        if (originNs < 0) {
            return Long.MIN_VALUE;
        }
        double t = originNs + nextTickAt * speed;
        return t >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.ceil(t);
    }
}
