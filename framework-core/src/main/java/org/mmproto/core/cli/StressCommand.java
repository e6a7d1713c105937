package org.mmproto.core.cli;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.mm.CountingCheckpoint;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.mm.NoReclaim;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.ProcFs;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.stress.AllocStress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mmproto stress}: a seeded random alloc/free mix against the page allocator. */
@Command(name = "stress", mixinStandardHelpOptions = true,
        header = "Seeded random alloc/free mix through the page allocator.",
        description = {
            "Drive a seeded random mix of allocations and frees through the page",
            "allocator: orders 0-10 (mostly order 0, some THP-sized 2 MiB and 4 MiB",
            "blocks), the GFP masks kernel code uses (GFP_HIGHUSER_MOVABLE, GFP_KERNEL,",
            "reclaimable slab, GFP_ATOMIC, GFP_NOWAIT, GFP_KERNEL|__GFP_THISNODE,",
            "GFP_DMA32, GFP_TRANSHUGE_LIGHT, ...), preferring nodes across the machine.",
            "The mix is a sawtooth: mostly allocations until memory is ~97%% used or",
            "allocations keep failing, then mostly frees down to 40%%, so a run keeps",
            "reaching the watermarks, migratetype fallback and the slow path.",
            "At the end it prints /proc/vmstat and /proc/buddyinfo. The same seed gives",
            "the same run.", ""},
        footer = {"", "Exit status: 0 ok, 1 an invariant was violated (with --check), 2 bad input."})
final class StressCommand implements Callable<Integer> {
    /** 10^9 steps already take minutes; more is a typo, not a run anyone waits for. */
    static final long MAX_OPS = 1_000_000_000L;

    @picocli.CommandLine.Mixin
    MachineLoading.Option machine = new MachineLoading.Option();

    @Option(names = "--ops", defaultValue = "1000000", paramLabel = "N",
            description = "Alloc/free steps to run, at most 10^9 (default: ${DEFAULT-VALUE}).")
    long ops;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--check", description = "Verify invariants (CONFIG_DEBUG_VM style) after every step: every page in exactly one state, free lists well formed, buddies merged, counters equal page states. Each check walks every page of the zones touched since the last one: on the default machine (16 GiB zones, 4 M pages) 1-3 ms per step, so the default 1 M ops take about an hour (measured: 2000 ops in 6.5 s); --check-every 10000 costs ~1%%. Stops at the first violation (exit 1).")
    boolean check;

    @Option(names = "--check-every", defaultValue = "1", paramLabel = "N", description = "With --check (implied): check every N steps, walking the zones the last N steps touched; a violation is reported at the first check after it, with the window of steps it happened in (default: ${DEFAULT-VALUE}).")
    long checkEvery;

    @Option(names = "--free-all", description = "At the end free everything held, drain the per-cpu lists and check that buddyinfo is back to the boot state (full merge).")
    boolean freeAll;

    @Option(names = "--pcp", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Per-CPU page lists for orders 0-3 and 9, as the kernel has them (default: on; --no-pcp for the bare buddy).")
    boolean pcp;

    @Option(names = "--proc", split = ",", paramLabel = "FILE", defaultValue = "vmstat,buddyinfo",
            description = "What to print at the end: vmstat, buddyinfo, pagetypeinfo, zoneinfo, meminfo (per node), numastat (per node) (default: ${DEFAULT-VALUE}).")
    List<String> proc;

    @Option(names = "--progress", negatable = true, description = "Progress bar on stderr (default: on when attached to a terminal).")
    Boolean progress;

    @Override
    public Integer call() {
        if (ops < 0 || ops > MAX_OPS) {
            throw new IllegalArgumentException("--ops must be in 0.." + MAX_OPS + ", got " + ops);
        }
        ProcFiles.check(proc);
        if (checkEvery < 1) {
            throw new IllegalArgumentException("--check-every must be >= 1, got " + checkEvery);
        }
        check |= checkEvery > 1;
        MachineSpec spec = machine.load();
        PhysicalMemory mem = PhysicalMemory.boot(spec);
        String pristine = ProcFs.buddyinfo(mem);
        PageAllocator alloc = new PageAllocator(mem, new CountingCheckpoint(mem.nodeCount()), new NoReclaim(mem.nodeCount()));
        if (pcp) {
            alloc.enablePcp();
        }
        AllocStress stress = new AllocStress(alloc, seed);
        boolean showProgress = progress != null ? progress : Terminal.attached();
        long t0 = System.nanoTime();
        Violated violated = new Violated();
        Set<Zone> touched =
                Collections.newSetFromMap(new IdentityHashMap<>());
        try (ProgressBar pb = showProgress ? new ProgressBarBuilder().setTaskName("stress").setInitialMax(ops)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setConsumer(
                        new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build() : null) {
            stress.run(ops, pfn -> {
                if (pb != null && (stress.stats().ops & 1023) == 0) {
                    pb.stepTo(stress.stats().ops);
                }
                if (check && violated.list == null) {
                    if (pfn >= 0) {
                        touched.add(mem.zoneOf(pfn));
                    }
                    if (stress.stats().ops % checkEvery == 0) {
                        checkTouched(mem, touched, stress.stats().ops, checkEvery, violated);
                    }
                }
            });
            if (pb != null) {
                pb.stepTo(ops);
            }
        } catch (StopRun e) {
            // fall through to the report
        }
        long elapsed = System.nanoTime() - t0;
        if (violated.list != null) {
            System.out.println("invariant violated " + (violated.window > 1 ? "in steps " + (violated.step - violated.window
                    + 1) + ".." + violated.step : "after step " + violated.step) + " (seed " + seed + "):");
            violated.list.forEach(v -> System.out.println("  " + v));
            return 1;
        }
        AllocStress.Stats st = stress.stats();
        System.out.printf("# stress: machine %s, seed %d, %d ops in %.3f s (%.0f ns/op)%n", spec.name(), seed,
                st.ops, elapsed / 1e9, st.ops == 0 ? 0.0 : (double) elapsed / st.ops);
        System.out.printf("# allocs %d (failed %d, ENOMEM), frees %d, pages held %d (peak %d of %d managed), "
                + "pressure phases %d%n", st.allocs, st.allocFailed, st.frees, st.pagesHeld, st.pagesHeldPeak,
                mem.totalManagedPages(), st.pressurePhases);
        ProcFiles.print(mem, proc, System.out);
        if (freeAll) {
            stress.freeAll(pfn -> { });
            alloc.drainAllPages();
            List<DebugVm.Violation> v = DebugVm.check(mem);
            boolean same = ProcFs.buddyinfo(mem).equals(pristine);
            System.out.println("# after freeing everything: buddyinfo " + (same ? "equals the boot state" : "DIFFERS from the boot state"));
            System.out.print(ProcFs.buddyinfo(mem));
            if (!v.isEmpty() || !same) {
                v.forEach(x -> System.out.println("  " + x));
                return 1;
            }
        }
        if (check) {
            List<DebugVm.Violation> v = DebugVm.check(mem);
            if (!v.isEmpty()) {
                v.forEach(x -> System.out.println("  " + x));
                return 1;
            }
            System.out.println(checkEvery > 1 ? "# invariants held at every check (every " + checkEvery + " steps)"
                    : "# invariants held after every step");
        }
        return 0;
    }

    /** DebugVm over the zones touched since the last check, then forgets them. */
    private static void checkTouched(PhysicalMemory mem, Set<Zone> touched, long step,
                                     long every, Violated out) {
        for (Zone z : touched) {
            List<DebugVm.Violation> v = DebugVm.check(mem, z);
            if (!v.isEmpty()) {
                out.list = v;
                out.step = step;
                out.window = every;
                throw new StopRun();
            }
        }
        touched.clear();
    }

    private static final class Violated {
        List<DebugVm.Violation> list;
        long step;
        long window;
    }

    private static final class StopRun extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StopRun() {
            super(null, null, false, false);
        }
    }
}
