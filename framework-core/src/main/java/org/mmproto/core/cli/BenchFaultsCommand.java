package org.mmproto.core.cli;

import java.util.Set;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import java.util.concurrent.Callable;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.core.config.Sizes;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.mm.Node;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.syscall.NumaSyscalls;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mmproto bench faults}: mmap anonymous memory, write every 4 KiB page, MADV_DONTNEED,
 * repeat. The same loop on a real 6.12 box serves ~0.3-0.45 M faults/s on this machine class
 * (zeroing each page dominates there); the simulator zeroes nothing.
 */
@Command(name = "faults", mixinStandardHelpOptions = true,
        header = "mmap, write-fault every page, MADV_DONTNEED; faults per second.",
        description = {
            "mmap anonymous memory, write-fault every 4 KiB page, MADV_DONTNEED it,",
            "repeat --rounds times (after --warmup uncounted rounds); print",
            "faults per second: median_round_faults_per_s (the median round),",
            "best_round_faults_per_s (the fastest round) and faults_per_s (all",
            "counted faults over all counted rounds' time).",
            "THP is off (transparent_hugepage=never) so every page is one fault.",
            "A --size that is not a multiple of 4 KiB is rounded up to one, as mmap",
            "rounds its length up to whole pages.",
            "Policies: default | local | bind:NODES | preferred:NODE |",
            "interleave:NODES | weighted:NODES | preferred_many:NODES", ""})
final class BenchFaultsCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    MachineLoading.Option machine = new MachineLoading.Option();

    @Option(names = "--size", defaultValue = "1GiB", paramLabel = "BYTES",
            description = "Mapping size per round (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--rounds", defaultValue = "5", paramLabel = "N",
            description = "Rounds, 1..10000 (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "N",
            description = "Rounds run first and not counted, so the JIT has compiled the fault path, 0..10000 (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--policy", defaultValue = "default", paramLabel = "POLICY",
            description = "Task memory policy, set with set_mempolicy(2): a node the machine lacks is EINVAL, as there (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--cpu", defaultValue = "0", paramLabel = "CPU", description = "CPU the task runs on (default: ${DEFAULT-VALUE}).")
    int cpu;

    @Option(names = "--progress", negatable = true,
            description = "Progress bar over the rounds on stderr (default: on when attached to a terminal).")
    Boolean progress;

    /** Rounds and warm-up rounds: 10^4 rounds of 1 GiB are about an hour. */
    static final int MAX_ROUNDS = 10_000;
    private static final long PAGE_SIZE = 4096;

    @Override
    public Integer call() {
        long requested = Sizes.parse(size);
        if (requested <= 0) {
            throw new IllegalArgumentException("--size must be positive, got " + size);
        }
        if (rounds < 1 || rounds > MAX_ROUNDS) {
            throw new IllegalArgumentException("--rounds must be in 1.." + MAX_ROUNDS + ", got " + rounds);
        }
        if (warmup < 0 || warmup > MAX_ROUNDS) {
            throw new IllegalArgumentException("--warmup must be in 0.." + MAX_ROUNDS + ", got " + warmup);
        }
        long bytes = (requested + PAGE_SIZE - 1) & -PAGE_SIZE; // mmap's PAGE_ALIGN(len)
        if (bytes <= 0) {
            throw new IllegalArgumentException("--size " + size + " is too large");
        }
        if (bytes != requested) {
            System.out.println("# --size " + size + " rounded up to " + Sizes.format(bytes) + " ("
                    + (bytes >>> 12) + " pages), as mmap rounds its length up to whole pages");
        }
        MemPolicy pol = parsePolicy(policy);
        MachineSpec spec = machine.load();
        Kernel k = Kernel.boot(spec, new OpsStruct());
        k.setThp(TransparentHugepage.Mode.NEVER);
        Task t = k.spawn("bench", 0, cpu, 0, Set.of());
        if (pol != null) {
            long rc = k.numa().setMempolicy(t, pol.mode(), UserMask.of(pol.nodes()),
                    NodeMask.MAX_NUMNODES + 1L);
            if (rc < 0) {
                throw new IllegalArgumentException("--policy " + policy + ": set_mempolicy fails with "
                        + Errno.fromCode((int) -rc) + " on machine " + spec.name() + " (nodes with memory: "
                        + memoryNodes(k) + ")");
            }
        }
        MmOps ops = k.mmOps();
        long addr = ops.mmap(t, 0, bytes, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "bench");
        if (addr < 0) {
            throw new IllegalArgumentException("mmap of " + size + " failed: " + Errno.fromCode((int) -addr));
        }
        try (ProgressBar bar = (progress != null ? progress : Terminal.attached())
                ? new ProgressBarBuilder().setTaskName("rounds").setInitialMax(warmup + rounds)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null) {
            return measure(k, t, addr, bytes, bar);
        }
    }

    /** The warm-up and counted rounds; the bar (null: none) steps after each. */
    private int measure(Kernel k, Task t, long addr, long bytes, ProgressBar bar) {
        MmOps ops = k.mmOps();
        for (int r = 0; r < warmup; r++) {
            ops.touch(t, addr, bytes, true);
            ops.madvise(t, addr, bytes, MmOps.MADV_DONTNEED);
            if (bar != null) {
                bar.step();
            }
        }
        long faults0 = k.mem().vmstat(VmStat.PGFAULT);
        long[] times = new long[rounds];
        long total = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            int rc = ops.touch(t, addr, bytes, true);
            ops.madvise(t, addr, bytes, MmOps.MADV_DONTNEED);
            long dt = System.nanoTime() - t0;
            if (rc < 0) {
                System.out.println("round " + r + ": a fault failed with errno " + -rc + " (memory too small for --size?)");
                return 1;
            }
            times[r] = dt;
            total += dt;
            if (bar != null) {
                bar.step();
            }
            System.out.printf("round %d: %d faults in %.3f s%n", r, bytes >>> 12, dt / 1e9);
        }
        long faults = k.mem().vmstat(VmStat.PGFAULT) - faults0;
        System.out.printf("pgfault %d, pages per round %d, policy %s%n", faults, bytes >>> 12, policy);
        long pages = bytes >>> 12;
        java.util.Arrays.sort(times);
        System.out.printf("median_round_faults_per_s=%d%n", perSecond(pages, medianNanos(times)));
        System.out.printf("best_round_faults_per_s=%d%n", perSecond(pages, times[0]));
        System.out.printf("faults_per_s=%d%n", (long) (faults / (total / 1e9)));
        return 0;
    }

    /** The median of sorted round times; with an even count, the mean of the middle two. */
    static double medianNanos(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + (double) sorted[n / 2]) / 2;
    }

    private static long perSecond(long faults, double nanos) {
        return (long) (faults / (nanos / 1e9));
    }

    private static String memoryNodes(Kernel k) {
        int[] ids = k.mem().nodes().stream().filter(Node::inNMemory)
                .mapToInt(Node::nid).toArray();
        return NodeMask.formatList(ids);
    }

    static MemPolicy parsePolicy(String text) {
        String[] p = text.split(":", 2);
        NodeMask nodes = p.length > 1 ? NodeMask.parse(p[1]) : NodeMask.NONE;
        int mode = switch (p[0]) {
            case "default" -> -1;
            case "local" -> MemPolicy.MPOL_LOCAL;
            case "bind" -> MemPolicy.MPOL_BIND;
            case "preferred" -> MemPolicy.MPOL_PREFERRED;
            case "interleave" -> MemPolicy.MPOL_INTERLEAVE;
            case "weighted" -> MemPolicy.MPOL_WEIGHTED_INTERLEAVE;
            case "preferred_many" -> MemPolicy.MPOL_PREFERRED_MANY;
            default -> throw new IllegalArgumentException("unknown --policy '" + text
                    + "'; expected default, local, bind:NODES, preferred:NODE, interleave:NODES, weighted:NODES or preferred_many:NODES");
        };
        if (mode < 0) {
            return null;
        }
        if (mode != MemPolicy.MPOL_LOCAL && nodes.isEmpty()) {
            throw new IllegalArgumentException("--policy " + text + " needs nodes, e.g. " + p[0] + ":0-1");
        }
        return new MemPolicy(mode, 0, nodes, nodes, MemPolicy.NUMA_NO_NODE);
    }
}
