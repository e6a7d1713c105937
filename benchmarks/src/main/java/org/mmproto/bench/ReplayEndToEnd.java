package org.mmproto.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Set;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Daemons;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.replay.AccessReplayer;
import org.mmproto.core.replay.LackeyParser;
import org.mmproto.core.replay.LineReader;
import org.mmproto.core.replay.ReplayClock;
import org.mmproto.core.replay.TraceFile;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;

/**
 * The end-to-end path of a lackey {@code replay:} step, phase by phase, on a trace file (plain or
 * compressed): reading its lines, parsing them into a sink that does nothing, and parsing and
 * replaying them onto a fresh task of the default machine with tiering on (demotion,
 * numa_balancing=2, the daemons ticking every 100 ms of kernel time at speed 0.001), each
 * {@code reps} times. Prints rates by the main thread's CPU time (what the code costs, less
 * sensitive to other processes on shared cores) and by wall time.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.mmproto.bench.ReplayEndToEnd TRACE [reps]</pre>
 */
public final class ReplayEndToEnd {
    private ReplayEndToEnd() {
    }

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        TraceFile trace = new TraceFile(Path.of(args.length > 0 ? args[0] : "scenarios/traces/gzip.lackey.xz"));
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        for (int rep = 1; rep <= reps; rep++) {
            long c0 = MX.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            long lines = 0;
            try (LineReader in = trace.open()) {
                while (in.next() != null) {
                    lines++;
                }
            }
            long c1 = MX.getCurrentThreadCpuTime();
            long w1 = System.nanoTime();
            long[] sum = {0};
            long parsed;
            try (LineReader in = trace.open()) {
                parsed = new LackeyParser(1).replay(in, (a, s, w, ns) -> sum[0] += a, Long.MAX_VALUE);
            }
            long c2 = MX.getCurrentThreadCpuTime();
            long w2 = System.nanoTime();
            Kernel k = Kernel.boot(MachineFiles.bundled("default"), new OpsStruct());
            k.setThp(TransparentHugepage.Mode.NEVER);
            k.tiering().settings().setDemotionEnabled(true);
            k.tiering().settings().setNumaBalancing(2);
            Task t = k.spawn("replay", 0, 0, 0, Set.of());
            ReplayClock clock = new ReplayClock(0.001, 100, ms -> Daemons.run(k, ms));
            AccessReplayer a = new AccessReplayer(k, t, true, clock);
            long c3 = MX.getCurrentThreadCpuTime();
            long w3 = System.nanoTime();
            try (LineReader in = trace.open()) {
                new LackeyParser(1).replay(in, a, Long.MAX_VALUE);
            }
            long c4 = MX.getCurrentThreadCpuTime();
            long w4 = System.nanoTime();
            System.out.printf("rep %d: read %d lines %.1f M/s cpu %.1f M/s wall | parse %d records %.1f | %.1f |"
                    + " parse+replay %d accesses (%d slow path, %d ticks) %.1f M/s cpu %.1f M/s wall%n", rep, lines,
                    lines * 1e3 / (c1 - c0), lines * 1e3 / (w1 - w0), parsed, parsed * 1e3 / (c2 - c1),
                    parsed * 1e3 / (w2 - w1), a.accesses(), a.slowPath(), clock.ticks(), a.accesses() * 1e3 / (c4 - c3),
                    a.accesses() * 1e3 / (w4 - w3));
            if (sum[0] == 42) {
                System.out.println(); // keeps the parse-only sink's work observable
            }
        }
    }
}
