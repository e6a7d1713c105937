package org.mmproto.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.NpOps;
import org.mmproto.core.fault.FailAttr;
import org.mmproto.core.fault.FailPoint;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.hooks.DriverSpec;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.probe.DriverDecorator;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.ActionRunner;
import org.mmproto.core.testkit.ActionRunner.Step;
import org.mmproto.core.testkit.TestMachines;
import org.mmproto.core.trace.Tracer;

/**
 * {@link MmFuzzTest}'s seeded random syscalls (10^5 by default, {@code -Dmmproto.faultfuzz.steps=N})
 * on kernels that also inject faults at random: each sequence arms every fail point with a
 * probability drawn from its seed (page allocation 0-5 %, migration target and copy 0-20 %, swap
 * write 0-30 % on a swap file the world swapons, driver hook 0-5 % throwing or returning null
 * through the Byte Buddy decorator; the flaky driver throws or returns null besides). Every fail
 * point must have injected at least once. DebugVm and the accounting
 * after every step, the man pages' errnos, and nothing left allocated after teardown: 0
 * violations, and faults were really injected.
 */
class FaultInjectionFuzzTest {
    static final int SEQUENCE = 2000;
    /** A swap file (16 MiB) so that reclaim under the pressure steps writes anon folios out: swap_write is reached. */
    static final long SWAP_PAGES = 16 * MiB / 4096;

    @Test
    void random_syscalls_under_random_faults_keep_every_invariant() {
        long total = Long.getLong("mmproto.faultfuzz.steps", 100_000);
        long seed0 = Long.getLong("mmproto.faultfuzz.seed", 20261203);
        List<Design> designs = BuiltInDesigns.all();
        long sequences = Math.max(1, total / SEQUENCE);
        long injected = 0;
        EnumSet<FailPoint> hit = EnumSet.noneOf(FailPoint.class);
        for (long i = 0; i < sequences; i++) {
            long seed = seed0 + i;
            Design design = designs.get((int) (i % designs.size()));
            TransparentHugepage.Mode thp = TransparentHugepage.Mode.values()[(int) (i % 3)];
            List<FaultInjector> made = new ArrayList<>();
            ActionRunner<FuzzWorld> runner = new ActionRunner<FuzzWorld>(
                    () -> world(seed, design, thp, made),
                    (rnd, index) -> index == SEQUENCE - 1 ? teardown()
                            : rnd.nextInt(40) == 0 ? reclaim(rnd) : MmSteps.draw(rnd, index),
                    FuzzWorld::invariants).maxShrinkRuns(100);
            try {
                runner.run(seed, SEQUENCE);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", design " + design.name() + ", thp " + thp + ", faults "
                        + made.get(made.size() - 1).injectedCount() + ": " + e.getMessage(), e);
            }
            FaultInjector f = made.get(made.size() - 1);
            injected += f.injectedCount();
            f.injected().forEach(x -> hit.add(x.point()));
        }
        System.out.println("fault fuzz: " + sequences * SEQUENCE + " steps, " + injected + " faults injected at " + hit);
        assertThat(hit).as("every fail point injected at least once").containsExactlyInAnyOrder(FailPoint.values());
    }

    /** Memory pressure the syscalls alone rarely make: proactive reclaim of a node, anon folios to swap. */
    private static Step<FuzzWorld> reclaim(SplittableRandom r) {
        int nid = r.nextInt(2);
        long pages = 1 + r.nextInt(4096);
        return Step.always("echo " + pages * 4096 + " > node" + nid + "/reclaim",
                w -> w.k.reclaim().proactive(nid, pages));
    }

    private static Step<FuzzWorld> teardown() {
        return Step.always("teardown: unpin, free, exit every task; nothing may stay allocated", w -> {
            List<String> broken = w.teardown();
            if (!broken.isEmpty()) {
                throw new AssertionError(String.join("; ", broken));
            }
        });
    }

    private static FuzzWorld world(long seed, Design proto, TransparentHugepage.Mode thp, List<FaultInjector> made) {
        Design design = BuiltInDesigns.all().stream().filter(d -> d.name().equals(proto.name())).findFirst()
                .orElseThrow();
        SplittableRandom r = new SplittableRandom(seed ^ 0x5eed);
        List<FailAttr> attrs = List.of(
                attr(FailPoint.PAGE_ALLOC, r.nextInt(6)),
                attr(FailPoint.MIGRATE_TARGET, r.nextInt(21)),
                attr(FailPoint.MIGRATE_COPY, r.nextInt(21)),
                attr(FailPoint.SWAP_WRITE, r.nextInt(31)),
                attr(FailPoint.DRIVER_HOOK, r.nextInt(6), r.nextBoolean() ? FailAttr.Mode.THROW : FailAttr.Mode.NULL));
        FaultInjector faults = new FaultInjector(attrs, seed);
        made.add(faults);
        FlakyDriver driver = new FlakyDriver(seed * 31 + 7,
                EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY, NpOps.NP_OPS_LONGTERM_PIN), ZoneType.NORMAL,
                0.03, 0.03);
        Kernel k = Kernel.boot(TestMachines.dramDramCxl(32 * MiB, 32 * MiB, true), design,
                List.of(new DriverSpec("flaky", () -> DriverDecorator.wrap(driver, faults, 2, Duration.ofMillis(200)), 2, Map.of(), "fuzz", 1)), Duration.ZERO, c -> { },
                Tracer.OFF, faults);
        k.setThp(thp);
        k.swap().swapon(SWAP_PAGES);
        return new FuzzWorld(k, 1, true);
    }

    private static FailAttr attr(FailPoint p, int probability) {
        return attr(p, probability, FailAttr.Mode.THROW);
    }

    /** Every call may fail: no limit on times, and page_alloc without fail_page_alloc's default filters. */
    private static FailAttr attr(FailPoint p, int probability, FailAttr.Mode mode) {
        return FailAttr.parse(p.key() + ":probability=" + probability + ",times=-1"
                + (p == FailPoint.PAGE_ALLOC ? ",min_order=0,ignore_gfp_wait=N,ignore_gfp_highmem=N" : "")
                + (p == FailPoint.DRIVER_HOOK ? ",mode=" + mode.name().toLowerCase(java.util.Locale.ROOT) : ""));
    }
}
