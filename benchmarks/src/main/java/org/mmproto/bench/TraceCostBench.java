package org.mmproto.bench;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.trace.EventFilter;
import org.mmproto.core.trace.TraceEvent;
import org.mmproto.core.trace.TraceSink;
import org.mmproto.core.trace.Tracer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of the tracepoints on the fault path ({@link FaultBench}'s loop): {@code off} is
 * {@link Tracer#OFF}, as every run without --trace; {@code filtered-out} a tracer whose filter
 * enables only a tracepoint the loop never fires (each site still asks); {@code on} every
 * tracepoint into a sink that only consumes the events. Per fault.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class TraceCostBench {
    static final long SIZE = 64L << 20;
    static final int PAGES = (int) (SIZE >>> 12);

    @Param({"off", "filtered-out", "on"})
    public String tracer;

    Kernel k;
    /** What the sink saw, so the JIT cannot drop the events. */
    long consumed;

    @Setup(Level.Trial)
    public void boot() {
        TraceSink sink = new TraceSink() {
            @Override
            public void event(TraceEvent e) {
                consumed += e.values().size();
            }
        };
        Tracer t = switch (tracer) {
            case "off" -> Tracer.OFF;
            case "filtered-out" -> new Tracer(EventFilter.parse("compaction:mm_compaction_kcompactd_wake"), sink);
            case "on" -> new Tracer(EventFilter.ALL, sink);
            default -> throw new IllegalArgumentException(tracer);
        };
        k = Kernel.boot(BenchMachines.equalNodes("faults", 8 * BenchMachines.GiB, 2), new OpsStruct(), List.of(),
                Duration.ZERO, c -> { }, t, FaultInjector.OFF);
        k.setThp(TransparentHugepage.Mode.NEVER);
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long touchThenExit() {
        Task t = k.spawn("f", 0, 0, 0, Set.of());
        MmOps ops = k.mmOps();
        long addr = ops.mmap(t, 0, SIZE, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "bench");
        int rc = ops.touch(t, addr, SIZE, true);
        if (rc != 0) {
            throw new IllegalStateException("fault failed: " + rc);
        }
        ops.exit(t);
        return addr + consumed;
    }
}
