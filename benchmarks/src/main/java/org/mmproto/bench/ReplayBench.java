package org.mmproto.bench;

import java.io.InputStream;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.replay.AccessReplayer;
import org.mmproto.core.replay.LackeyParser;
import org.mmproto.core.replay.LineReader;
import org.mmproto.core.replay.ReplayClock;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Replay throughput with tiering on (the bundled default machine with its CXL node,
 * demotion_enabled, numa_balancing=2, the daemons ticking every 100 ms of kernel time at speed
 * 0.001): {@code accesses} replays a seeded stream of 1 M accesses (10 % stores) over a 64 MiB
 * working set per op; {@code lackeyText} parses and replays 1 M lackey lines generated on the fly
 * by an InputStream (never held: a trace of any length streams in constant memory). Scores are
 * accesses (lines) per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class ReplayBench {
    static final int N = 1_000_000;
    static final long WS = 64L << 20;

    Kernel k;
    Task t;
    long base;
    AccessReplayer replayer;
    long ns;
    long[] addrs;

    @Setup
    public void boot() {
        k = Kernel.boot(MachineFiles.bundled("default"), new OpsStruct());
        k.setThp(TransparentHugepage.Mode.NEVER);
        k.tiering().settings().setDemotionEnabled(true);
        k.tiering().settings().setNumaBalancing(2);
        t = k.spawn("replay", 0, 0, 0, Set.of());
        base = k.mmOps().mmap(t, 0, WS, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "ws");
        ReplayClock clock = new ReplayClock(0.001, 100, ms -> {
            k.reclaim().tick(ms);
            k.tiering().tick(ms);
        });
        replayer = new AccessReplayer(k, t, false, clock);
        SplittableRandom r = new SplittableRandom(7);
        addrs = new long[N];
        for (int i = 0; i < N; i++) {
            // 90 % of accesses to a hot eighth of the set, sequential runs of 8 bytes inside a line
            long off = r.nextInt(10) < 9 ? r.nextLong(WS / 8) : r.nextLong(WS);
            addrs[i] = base + (off & -8L);
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long accesses() {
        for (int i = 0; i < N; i++) {
            replayer.access(addrs[i], 8, (i % 10) == 0, ns++);
        }
        return replayer.slowPath();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long lackeyText() {
        long start = ns;
        ns += N;
        return new LackeyParser(1).replay(new LineReader(new LackeyStream(base, N, start), "synthetic"),
                (a, size, write, when) -> replayer.access(a, size, write, start + when), N);
    }

    /** Lackey lines made as they are read: " L addr,8" and " S addr,8" over the working set. */
    static final class LackeyStream extends InputStream {
        private final long base;
        private final long lines;
        private final SplittableRandom r;
        private byte[] line = new byte[0];
        private int pos;
        private long made;

        LackeyStream(long base, long lines, long seed) {
            this.base = base;
            this.lines = lines;
            this.r = new SplittableRandom(seed);
        }

        @Override
        public int read() {
            if (pos == line.length) {
                if (made == lines) {
                    return -1;
                }
                made++;
                long a = base + (r.nextLong(WS) & -8L);
                line = ((made % 10 == 0 ? " S " : " L ") + Long.toHexString(a) + ",8\n").getBytes();
                pos = 0;
            }
            return line[pos++];
        }
    }
}
