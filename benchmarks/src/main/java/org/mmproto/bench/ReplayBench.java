package org.mmproto.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Daemons;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.replay.AccessReplayer;
import org.mmproto.core.replay.LackeyParser;
import org.mmproto.core.replay.LineReader;
import org.mmproto.core.replay.ReplayClock;
import org.mmproto.core.replay.TraceFile;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * Replay throughput with tiering on (the bundled default machine with its CXL node,
 * demotion_enabled, numa_balancing=2, the daemons ticking every 100 ms of kernel time at speed
 * 0.001): {@code accesses} replays a seeded stream of 1 M accesses (10 % stores) over a 64 MiB
 * working set per op; {@code lackeyText} parses and replays 1 M lackey lines generated on the fly
 * by an InputStream (never held: a trace of any length streams in constant memory);
 * {@code lackeyTrace} is the end-to-end path of a {@code replay:} step on a real trace: the
 * recorded {@code scenarios/traces/gzip.lackey.xz} (4.14 M lines), decompressed once at setup to a
 * temporary file, read from that file by {@link TraceFile}, parsed and replayed per op onto a
 * task that keeps its address space (the 2 MiB windows it touches mapped on demand at the first
 * op), with the daemons ticking (NUMA balancing's scanner marks the pages, the next op's accesses
 * take hint faults). Scores are accesses (lines) per second.
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

    /** gzip.lackey.xz's accesses: 4140859 records, 12803 of them M (a load and a store). */
    static final int GZIP_ACCESSES = 4_153_662;
    static final String GZIP_TRACE = System.getProperty("mmproto.replaybench.trace", "scenarios/traces/gzip.lackey.xz");

    /** The decompressed trace and the replay that keeps its task across invocations. */
    @State(Scope.Thread)
    public static class Trace {
        Path plain;
        Kernel k;
        Task t;
        AccessReplayer replayer;
        long records;

        @Setup
        public void setup() throws IOException {
            plain = Files.createTempFile("replaybench", ".lackey");
            try (LineReader in = new TraceFile(Path.of(GZIP_TRACE)).open();
                 OutputStream out = Files.newOutputStream(plain)) {
                for (String l = in.next(); l != null; l = in.next()) {
                    out.write(l.getBytes(StandardCharsets.ISO_8859_1));
                    out.write('\n');
                }
            }
            k = Kernel.boot(MachineFiles.bundled("default"), new OpsStruct());
            k.setThp(TransparentHugepage.Mode.NEVER);
            k.tiering().settings().setDemotionEnabled(true);
            k.tiering().settings().setNumaBalancing(2);
            t = k.spawn("gzip", 0, 0, 0, Set.of());
            ReplayClock clock = new ReplayClock(0.001, 100, ms -> Daemons.run(k, ms));
            replayer = new AccessReplayer(k, t, true, clock);
        }

        @TearDown
        public void remove() throws IOException {
            Files.deleteIfExists(plain);
        }
    }

    @Benchmark
    @OperationsPerInvocation(GZIP_ACCESSES)
    public long lackeyTrace(Trace tr) {
        long start = tr.records;
        try (LineReader in = TraceFile.open(Files.newInputStream(tr.plain), "gzip.lackey", n -> { })) {
            tr.records += new LackeyParser(1).replay(in, (a, size, write, when) -> tr.replayer.access(a, size, write,
                    start + when), Long.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tr.replayer.slowPath();
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
        private final byte[] line = new byte[32];
        private int len;
        private int pos;
        private long made;

        LackeyStream(long base, long lines, long seed) {
            this.base = base;
            this.lines = lines;
            this.r = new SplittableRandom(seed);
        }

        private boolean more() {
            if (made == lines) {
                return false;
            }
            made++;
            long a = base + (r.nextLong(WS) & -8L);
            line[0] = ' ';
            line[1] = (byte) (made % 10 == 0 ? 'S' : 'L');
            line[2] = ' ';
            int n = 3;
            for (int shift = 60 - (Long.numberOfLeadingZeros(a) & ~3); shift >= 0; shift -= 4) {
                line[n++] = (byte) Character.forDigit((int) (a >>> shift) & 15, 16);
            }
            line[n++] = ',';
            line[n++] = '8';
            line[n++] = '\n';
            len = n;
            pos = 0;
            return true;
        }

        @Override
        public int read() {
            if (pos == len && !more()) {
                return -1;
            }
            return line[pos++];
        }

        /** In bulk: the parser's reads do not go a byte at a time through {@link #read()}. */
        @Override
        public int read(byte[] b, int off, int want) {
            int n = 0;
            while (n < want) {
                if (pos == len && !more()) {
                    return n == 0 ? -1 : n;
                }
                int c = Math.min(want - n, len - pos);
                System.arraycopy(line, pos, b, off + n, c);
                pos += c;
                n += c;
            }
            return n;
        }
    }
}
