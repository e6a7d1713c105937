package org.mmproto.core.fuzz;

import static org.mmproto.core.testkit.TestMachines.MiB;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.NpOps;
import org.mmproto.core.hooks.DriverSpec;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.ActionRunner.Step;
import org.mmproto.core.testkit.ActionRunner;
import org.mmproto.core.testkit.TestMachines;

/**
 * A seeded stateful fuzzer over the syscall layer (see {@link MmSteps}), run on the project's
 * {@link ActionRunner} with shrinking: sequences of {@value #SEQUENCE} steps, each on a fresh
 * kernel, cycling over every built-in design, three driver opt-in sets (the driver fails at
 * random: throws or returns null) and THP modes, on a small machine with private node 2 (DebugVm
 * after every step) and on the bundled {@code private-cxl} machine (40 GiB: DebugVm every
 * {@value #BIG_CHECK_EVERY} steps, a walk costs ~40 ms there). After every step: no exception
 * escapes, every errno is one the call's man page allows, Committed_AS equals the accounted
 * mappings; at the end of a sequence everything is torn down and no page may stay allocated.
 *
 * <p>{@code -Dmmproto.fuzz.steps=N} sets the total (default 10^5); {@code -Dmmproto.fuzz.seed=S}
 * the first seed. A failure names the seed and the shrunk sequence.
 */
class MmFuzzTest {
    static final int SEQUENCE = 2000;
    static final int BIG_CHECK_EVERY = 500;
    /** Of every this many sequences, one runs on private-cxl. */
    static final int BIG_EVERY = 10;

    private static final List<Set<NpOps>> OPT_INS = List.of(
            EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY, NpOps.NP_OPS_LONGTERM_PIN),
            EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_PROTECT_WRITE),
            EnumSet.noneOf(NpOps.class));

    @Test
    void random_syscall_sequences_keep_invariants_errnos_and_never_throw() {
        long total = Long.getLong("mmproto.fuzz.steps", 100_000);
        long seed0 = Long.getLong("mmproto.fuzz.seed", 20261202);
        List<Design> designs = BuiltInDesigns.all();
        MachineSpec big = MachineFiles.bundled("private-cxl");
        long sequences = Math.max(1, total / SEQUENCE);
        java.util.Map<AllowedErrnos.Call, long[]> reached = new java.util.EnumMap<>(AllowedErrnos.Call.class);
        for (long i = 0; i < sequences; i++) {
            long seed = seed0 + i;
            Design design = designs.get((int) (i % designs.size()));
            Set<NpOps> optIns = OPT_INS.get((int) (i / designs.size() % OPT_INS.size()));
            boolean onBig = i % BIG_EVERY == BIG_EVERY - 1;
            TransparentHugepage.Mode thp = TransparentHugepage.Mode.values()[(int) (i % 3)];
            String what = String.format("seed %d, design %s, opt-ins %s, machine %s, thp %s", seed, design.name(), optIns,
                    onBig ? "private-cxl" : "small", thp);
            ActionRunner<FuzzWorld> runner = new ActionRunner<FuzzWorld>(
                    () -> world(seed, design.name(), optIns, onBig ? big : null, thp),
                    (rnd, index) -> index == SEQUENCE - 1 ? teardown() : MmSteps.draw(rnd, index),
                    FuzzWorld::invariants).maxShrinkRuns(200);
            try {
                FuzzWorld end = runner.run(seed, SEQUENCE);
                end.outcomes.forEach((c, n) -> {
                    long[] t = reached.computeIfAbsent(c, x -> new long[2]);
                    t[0] += n[0];
                    t[1] += n[1];
                });
            } catch (AssertionError e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
        }
        report(reached, sequences * SEQUENCE);
    }

    private static void report(java.util.Map<AllowedErrnos.Call, long[]> reached, long steps) {
        StringBuilder sb = new StringBuilder("fuzz: " + steps + " steps; per call ok/errno:");
        reached.forEach((c, n) -> sb.append(' ').append(c.name().toLowerCase(java.util.Locale.ROOT)).append('=')
                .append(n[0]).append('/').append(n[1]));
        System.out.println(sb);
    }

    private static Step<FuzzWorld> teardown() {
        return Step.always("teardown: unpin, free, exit every task; nothing may stay allocated", w -> {
            List<String> broken = w.teardown();
            if (!broken.isEmpty()) {
                throw new AssertionError(String.join("; ", broken));
            }
        });
    }

    private static FuzzWorld world(long seed, String designName, Set<NpOps> optIns, MachineSpec big,
                                   TransparentHugepage.Mode thp) {
        Design design = BuiltInDesigns.all().stream().filter(d -> d.name().equals(designName)).findFirst().orElseThrow();
        MachineSpec spec = big != null ? big : TestMachines.dramDramCxl(32 * MiB, 32 * MiB, true);
        ZoneType zone = big != null ? ZoneType.MOVABLE : ZoneType.NORMAL;
        FlakyDriver driver = new FlakyDriver(seed * 31 + 7, optIns, zone, 0.03, 0.03);
        Kernel k = Kernel.boot(spec, design, List.of(new DriverSpec("flaky", () -> driver, 2, Map.of(), "fuzz", 1)),
                Duration.ZERO);
        k.setThp(thp);
        return new FuzzWorld(k, big != null ? BIG_CHECK_EVERY : 1);
    }
}
