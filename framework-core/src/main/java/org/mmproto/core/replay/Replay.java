package org.mmproto.core.replay;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import org.mmproto.core.kernel.Daemons;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.task.Task;

/**
 * Replays one trace file onto a task of a booted kernel, streaming: strace logs build and change
 * the address space (and fork tasks), access traces and DAMON records touch it.
 *
 * @param kind    the trace kind, or null to tell it from the content as it is read
 * @param speed   trace time over kernel time (see {@link ReplayClock})
 * @param tickMs  kernel time between the daemons' runs during the replay
 * @param autoMap map an access outside every VMA (see {@link AccessReplayer})
 * @param max     the most records to replay (the rest of the trace is not read)
 * @param exitRoot replay the exit of the log's first process (strace); false keeps the task
 * @param strictPids an strace pid no logged call made (other than the first) is an error, not a
 *                   counted thread of the first pid ({@link StraceReplayer})
 */
public record Replay(TraceFile trace, TraceKind kind, double speed, long tickMs, boolean autoMap, long max,
                     boolean exitRoot, boolean strictPids) {
    public Replay(TraceFile trace, TraceKind kind, double speed, long tickMs, boolean autoMap, long max,
                  boolean exitRoot) {
        this(trace, kind, speed, tickMs, autoMap, max, exitRoot, false);
    }

    /** Trace time an untimed lackey record stands for. */
    public static final long LACKEY_NS_PER_RECORD = 1;

    /** @param created told about each task a fork in an strace log creates */
    public ReplayResult run(Kernel k, Task task, BiConsumer<String, Task> created) {
        return run(k, task, created, n -> { });
    }

    /** @param bytesRead told how many bytes of the trace file were consumed, as the replay streams it */
    public ReplayResult run(Kernel k, Task task, BiConsumer<String, Task> created, LongConsumer bytesRead) {
        ReplayClock clock = new ReplayClock(speed, tickMs, ms -> Daemons.run(k, ms));
        try (LineReader in = trace.open(bytesRead)) {
            TraceKind kd = kind != null ? kind : in.detect();
            if (kd == TraceKind.STRACE) {
                StraceReplayer s = new StraceReplayer(k, task, created, clock, exitRoot, strictPids);
                long n = s.replay(in, max);
                return new ReplayResult(kd, n, Map.copyOf(s.calls()), Map.copyOf(s.details()),
                        Map.copyOf(s.notModelled()), new java.util.TreeMap<>(s.unknownPids()), s.firstPid(),
                        List.copyOf(s.mismatches()), s.mismatchCount(), 0, 0, 0, 0, 0, 0, clock.ticks());
            }
            AccessReplayer a = new AccessReplayer(k, task, autoMap, clock);
            AccessParser p = switch (kd) {
                case LACKEY -> new LackeyParser(LACKEY_NS_PER_RECORD);
                case PERF -> new PerfParser();
                case DAMON -> in.startsJson() ? new DamonJsonParser() : new DamonParser();
                case STRACE -> throw new IllegalStateException();
            };
            long n = p.replay(in, a, max);
            return new ReplayResult(kd, n, Map.of(), Map.of(), Map.of(), Map.of(), -1, List.of(), 0, a.accesses(), a.stores(), a.slowPath(),
                    a.segv(), a.autoMappedRegions(), a.autoMappedBytes(), clock.ticks());
        }
    }
}
