package org.mmproto.bench;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.machine.NodeSpec;
import org.mmproto.core.machine.VmTunables;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.tier.TierSettings;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A tiering round trip on a DRAM node 0 (2 GiB, CPUs 0-1, memory_tier4) and a CPU-less CXL node 1
 * (2 GiB, dax/kmem adistance 2880, memory_tier22, node 0's demotion target), demotion enabled and
 * numa_balancing=2. One task on CPU 0 holds {@code workingSetMiB} of written anonymous memory.
 * Per op: the {@code demote} step's proactive demotion of every page of the working set to node 1
 * (demote_folio_list through migrate_pages, MR_DEMOTION), a 1 s {@code tick} in which
 * task_numa_work marks the slow-tier entries PROT_NONE, then a read of every page: each takes a
 * NUMA hint fault and, hot (latency below the threshold) and under the rate limit (node 0 has less
 * than high + 1 GiB free, so the latency and rate-limit path is taken), is promoted back
 * (MR_NUMA_MISPLACED). The {@code pages} counter is pgdemote_proactive + pgpromote_success moved
 * by the op, checked against the working set, so JMH reports demotions + promotions per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class TieringBench {
    static final long NODE = 2 * BenchMachines.GiB;

    /** Pages demoted plus pages promoted, summed over the iteration's ops. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Moved {
        public long pages;

        @Setup(Level.Iteration)
        public void reset() {
            pages = 0;
        }
    }

    @Param({"64"})
    public int workingSetMiB;

    Kernel k;
    MmOps ops;
    Task t;
    long addr;
    long bytes;
    long pages;

    static MachineSpec dramPlusCxl() {
        List<NodeSpec> nodes = List.of(
                new NodeSpec(0, NODE, List.of(0, 1), false, 0, OptionalLong.empty(), 0),
                new NodeSpec(1, NODE, List.of(), false, 0, OptionalLong.empty(), 0));
        int[][] slit = {{10, 20}, {20, 10}};
        return new MachineSpec("tiering", "bench:tiering", nodes, slit, VmTunables.defaults());
    }

    @Setup(Level.Trial)
    public void boot() {
        k = Kernel.boot(dramPlusCxl(), new OpsStruct());
        k.setThp(TransparentHugepage.Mode.NEVER);
        TierSettings s = k.tiering().settings();
        s.setDemotionEnabled(true);
        s.setNumaBalancing(2);
        if (k.tiering().tiers().nextDemotionNode(0) != 1) {
            throw new IllegalStateException("node 1 is not node 0's demotion target:\n" + k.tiering().text());
        }
        ops = k.mmOps();
        t = k.spawn("tier", 0, 0, 0, Set.of());
        bytes = (long) workingSetMiB << 20;
        pages = bytes >>> 12;
        addr = ops.mmap(t, 0, bytes, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "ws");
        int rc = ops.touch(t, addr, bytes, true);
        if (addr < 0 || rc != 0) {
            throw new IllegalStateException("mmap/touch of the working set failed: " + addr + " / " + rc);
        }
    }

    @Benchmark
    public long demoteThenPromote(Moved m) {
        long d0 = k.mem().vmstat(VmStat.PGDEMOTE_PROACTIVE);
        long p0 = k.mem().vmstat(VmStat.PGPROMOTE_SUCCESS);
        long demoted = k.tiering().demote(0, pages);
        k.tiering().tick(1000);
        int rc = ops.touch(t, addr, bytes, false);
        long d = k.mem().vmstat(VmStat.PGDEMOTE_PROACTIVE) - d0;
        long p = k.mem().vmstat(VmStat.PGPROMOTE_SUCCESS) - p0;
        if (rc != 0 || demoted != pages || d != pages || p != pages) {
            throw new IllegalStateException("round trip of " + pages + " pages: demote returned " + demoted
                    + ", pgdemote_proactive +" + d + ", pgpromote_success +" + p + ", touch rc " + rc);
        }
        m.pages += d + p;
        return d + p;
    }
}
