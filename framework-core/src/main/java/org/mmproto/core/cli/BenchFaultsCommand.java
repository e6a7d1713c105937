package org.mmproto.core.cli;

import java.util.Set;
import java.util.concurrent.Callable;
import org.mmproto.api.NodeMask;
import org.mmproto.core.config.Sizes;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.policy.MemPolicy;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.Kernel;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mmproto bench faults}: mmap anonymous memory, write every 4 KiB page, MADV_DONTNEED,
 * repeat. The same loop on a real 6.12 box serves ~0.3-0.45 M faults/s on this machine class
 * (zeroing each page dominates there); the simulator zeroes nothing.
 */
@Command(name = "faults", mixinStandardHelpOptions = true,
        description = {
            "mmap anonymous memory, write-fault every 4 KiB page, MADV_DONTNEED it,",
            "repeat --rounds times (after --warmup uncounted rounds); print",
            "faults per second as faults_per_s=N.",
            "THP is off (transparent_hugepage=never) so every page is one fault.",
            "Policies: default | local | bind:NODES | preferred:NODE |",
            "interleave:NODES | weighted:NODES | preferred_many:NODES", ""})
final class BenchFaultsCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    MachineLoading.Option machine = new MachineLoading.Option();

    @Option(names = "--size", defaultValue = "1GiB", paramLabel = "BYTES",
            description = "Mapping size per round (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--rounds", defaultValue = "5", paramLabel = "N", description = "Rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "N",
            description = {"Rounds run first and not counted, so the JIT has", "compiled the fault path (default: ${DEFAULT-VALUE})."})
    int warmup;

    @Option(names = "--policy", defaultValue = "default", paramLabel = "POLICY",
            description = "Task memory policy (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--cpu", defaultValue = "0", paramLabel = "CPU", description = "CPU the task runs on (default: ${DEFAULT-VALUE}).")
    int cpu;

    @Override
    public Integer call() {
        long bytes = Sizes.parse(size);
        if (bytes <= 0 || rounds <= 0 || warmup < 0) {
            throw new IllegalArgumentException("--size and --rounds must be positive");
        }
        MachineSpec spec = machine.load();
        Kernel k = Kernel.boot(spec);
        k.setThp(Kernel.ThpMode.NEVER);
        Task t = k.spawn("bench", 0, cpu, 0, Set.of());
        t.setPolicy(parsePolicy(policy));
        MmOps ops = k.mmOps();
        long addr = ops.mmap(t, 0, bytes, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "bench");
        if (addr < 0) {
            throw new IllegalArgumentException("mmap of " + size + " failed: errno " + -addr);
        }
        for (int r = 0; r < warmup; r++) {
            ops.touch(t, addr, bytes, true);
            ops.madvise(t, addr, bytes, MmOps.MADV_DONTNEED);
        }
        long faults0 = k.mem().vmstat(VmStat.PGFAULT);
        long best = Long.MAX_VALUE;
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
            best = Math.min(best, dt);
            total += dt;
            System.out.printf("round %d: %d faults in %.3f s%n", r, bytes >>> 12, dt / 1e9);
        }
        long faults = k.mem().vmstat(VmStat.PGFAULT) - faults0;
        System.out.printf("pgfault %d, pages per round %d, policy %s%n", faults, bytes >>> 12, policy);
        System.out.printf("best_round_faults_per_s=%d%n", (long) ((bytes >>> 12) / (best / 1e9)));
        System.out.printf("faults_per_s=%d%n", (long) (faults / (total / 1e9)));
        return 0;
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
