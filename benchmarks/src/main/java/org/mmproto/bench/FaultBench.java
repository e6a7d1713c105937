package org.mmproto.bench;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.mmproto.api.NodeMask;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
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
 * Page-fault throughput: a fresh task maps 64 MiB of anonymous memory, write-faults every 4 KiB
 * page under the given policy, and exits (every folio freed through the batched path). Reported
 * per fault. {@link #touchThenDontneed} is {@code mmproto bench faults}' loop on a 64 MiB mapping
 * kept across invocations: write-fault every page, then MADV_DONTNEED the range (LRU insertion,
 * the accessed bit, the per-cpu lists and the buddy refill/drain all in the measured time).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class FaultBench {
    static final long SIZE = 64L << 20;
    static final int PAGES = (int) (SIZE >>> 12);

    @Param({"default", "bind", "interleave"})
    public String policy;

    Kernel k;
    MemPolicy mpol;
    /** The task and mapping {@link #touchThenDontneed} faults into, again and again. */
    Task dontneedTask;
    long dontneedAddr;

    @Setup(Level.Trial)
    public void boot() {
        k = Kernel.boot(BenchMachines.equalNodes("faults", 8 * BenchMachines.GiB, 2), new OpsStruct());
        k.setThp(TransparentHugepage.Mode.NEVER);
        NodeMask both = NodeMask.of(0, 1);
        mpol = switch (policy) {
            case "default" -> null;
            case "bind" -> new MemPolicy(MemPolicy.MPOL_BIND, 0, NodeMask.of(1), NodeMask.of(1), MemPolicy.NUMA_NO_NODE);
            case "interleave" -> new MemPolicy(MemPolicy.MPOL_INTERLEAVE, 0, both, both, MemPolicy.NUMA_NO_NODE);
            default -> throw new IllegalArgumentException(policy);
        };
        dontneedTask = k.spawn("d", 1, 0, 0, Set.of());
        dontneedTask.setPolicy(mpol);
        dontneedAddr = k.mmOps().mmap(dontneedTask, 0, SIZE, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "bench");
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public int touchThenDontneed() {
        MmOps ops = k.mmOps();
        int rc = ops.touch(dontneedTask, dontneedAddr, SIZE, true);
        if (rc != 0) {
            throw new IllegalStateException("fault failed: " + rc);
        }
        return ops.madvise(dontneedTask, dontneedAddr, SIZE, MmOps.MADV_DONTNEED);
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long touchThenExit() {
        Task t = k.spawn("f", 0, 0, 0, Set.of());
        t.setPolicy(mpol);
        MmOps ops = k.mmOps();
        long addr = ops.mmap(t, 0, SIZE, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "bench");
        int rc = ops.touch(t, addr, SIZE, true);
        if (rc != 0) {
            throw new IllegalStateException("fault failed: " + rc);
        }
        ops.exit(t);
        return addr;
    }
}
