package org.mmproto.bench;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * kswapd throughput on a full node with swap: before each invocation a fresh task write-faults
 * anonymous pages on a one-node 1 GiB machine until an allocation finds the zones below their low
 * watermark and wakes kswapd, and one proactive reclaim of a page ages the lists (the faults'
 * accessed bits are used up, as the time between faults and kswapd would); the invocation is one {@code tick}, in which kswapd runs
 * balance_pgdat to the high watermark, swapping the oldest inactive anon folios out. The
 * {@code pages} counter is the tick's return value, checked against PGSTEAL_KSWAPD, so JMH reports
 * pages reclaimed per second; {@code ops/s} counts ticks.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class ReclaimBench {
    static final long NODE = BenchMachines.GiB;

    /** Pages kswapd reclaimed, summed over the iteration's invocations. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Reclaimed {
        public long pages;

        @Setup(Level.Iteration)
        public void reset() {
            pages = 0;
        }
    }

    Kernel k;
    MmOps ops;
    Task t;

    @Setup(Level.Trial)
    public void boot() {
        k = Kernel.boot(BenchMachines.equalNodes("reclaim", NODE, 1), new OpsStruct());
        k.setThp(TransparentHugepage.Mode.NEVER);
        k.swap().swapon(2 * (NODE >>> 12));
        ops = k.mmOps();
    }

    /** Fills the node page by page until kswapd is woken (the low watermark is crossed). */
    @Setup(Level.Invocation)
    public void fill() {
        t = k.spawn("fill", 0, 0, 0, Set.of());
        long addr = ops.mmap(t, 0, NODE, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "fill");
        for (long off = 0; off < NODE && !k.reclaim().kswapdWoken(0); off += 4096) {
            int rc = ops.touch(t, addr + off, 4096, true);
            if (rc != 0) {
                throw new IllegalStateException("fault failed before kswapd woke: " + rc);
            }
        }
        // one proactive pass ages the lists, as time would: the faults' accessed bits are used up
        k.reclaim().proactive(0, 1);
        if (!k.reclaim().kswapdWoken(0)) {
            throw new IllegalStateException("the node filled without waking kswapd");
        }
    }

    @TearDown(Level.Invocation)
    public void empty() {
        ops.exit(t); // frees the resident folios and the swap slots
    }

    @Benchmark
    public long kswapdTick(Reclaimed r) {
        long steal = k.mem().vmstat(VmStat.PGSTEAL_KSWAPD);
        long n = k.reclaim().tick(100);
        if (n <= 0 || k.mem().vmstat(VmStat.PGSTEAL_KSWAPD) - steal != n) {
            throw new IllegalStateException("kswapd reclaimed " + n + ", pgsteal_kswapd moved by "
                    + (k.mem().vmstat(VmStat.PGSTEAL_KSWAPD) - steal));
        }
        r.pages += n;
        return n;
    }
}
