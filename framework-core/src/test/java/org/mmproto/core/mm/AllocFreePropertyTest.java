package org.mmproto.core.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmproto.api.Gfp;
import org.mmproto.core.testkit.ActionRunner;
import org.mmproto.core.testkit.TestMachines;

/**
 * Random alloc/free sequences on a small three-node machine (two DRAM nodes with DMA, DMA32 and
 * a CXL node onlined movable): invariants hold after every step, and once everything is freed
 * buddyinfo is exactly the boot state (everything merged back).
 */
class AllocFreePropertyTest {
    private static final int[] MASKS = {
        Gfp.GFP_KERNEL.bits(), Gfp.GFP_HIGHUSER_MOVABLE.bits(), Gfp.GFP_ATOMIC.bits(), Gfp.GFP_NOWAIT.bits(),
        Gfp.GFP_KERNEL.or(Gfp.__GFP_RECLAIMABLE).bits(), Gfp.GFP_KERNEL.or(Gfp.__GFP_THISNODE).bits(),
        Gfp.GFP_DMA32.bits(), Gfp.GFP_TRANSHUGE_LIGHT.bits(), Gfp.GFP_KERNEL.or(Gfp.__GFP_MEMALLOC).bits(),
    };

    static final class World {
        final PhysicalMemory mem = PhysicalMemory.boot(TestMachines.dramDramCxl(24 * MiB, 16 * MiB, false));
        final PageAllocator alloc = new PageAllocator(mem, new CountingCheckpoint(3), new NoReclaim(3));

        World withPcp() {
            alloc.enablePcp();
            return this;
        }
        final String pristine = ProcFs.buddyinfo(mem);
        final List<long[]> held = new ArrayList<>();
    }

    private static ActionRunner.Step<World> step(java.util.SplittableRandom rnd, int i) {
        if (rnd.nextInt(100) < 55) {
            int order = rnd.nextInt(100) < 70 ? rnd.nextInt(4) : rnd.nextInt(11);
            int gfp = MASKS[rnd.nextInt(MASKS.length)] | Gfp.Bits.NOWARN;
            int nid = rnd.nextInt(3);
            return ActionRunner.Step.always("alloc order " + order + " " + Gfp.of(gfp) + " nid " + nid, w -> {
                long pfn = w.alloc.allocPages(gfp, order, nid, null, nid);
                if (pfn >= 0) {
                    w.held.add(new long[] {pfn, order});
                }
            });
        }
        int pick = rnd.nextInt(Integer.MAX_VALUE);
        return new ActionRunner.Step<>("free #" + pick, w -> !w.held.isEmpty(), w -> {
            long[] f = w.held.remove(pick % w.held.size());
            w.alloc.freePages(f[0], (int) f[1]);
        });
    }

    private static List<String> invariants(World w) {
        return DebugVm.check(w.mem).stream().map(Object::toString).toList();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89})
    void invariants_hold_at_every_step_and_freeing_everything_restores_boot_buddyinfo(long seed) {
        World w = new ActionRunner<>(World::new, AllocFreePropertyTest::step, AllocFreePropertyTest::invariants)
                .run(seed, 3000);
        for (long[] f : w.held) {
            w.alloc.freePages(f[0], (int) f[1]);
        }
        assertThat(DebugVm.check(w.mem)).isEmpty();
        assertThat(ProcFs.buddyinfo(w.mem)).isEqualTo(w.pristine);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 5, 8, 13})
    void with_per_cpu_lists_invariants_hold_and_a_drain_restores_boot_buddyinfo(long seed) {
        World w = new ActionRunner<>(() -> new World().withPcp(), AllocFreePropertyTest::step, AllocFreePropertyTest::invariants)
                .run(seed, 3000);
        for (long[] f : w.held) {
            w.alloc.freePages(f[0], (int) f[1]);
        }
        assertThat(DebugVm.check(w.mem)).isEmpty();
        w.alloc.drainAllPages();
        assertThat(w.mem.totalPcpPages()).isZero();
        assertThat(ProcFs.buddyinfo(w.mem)).isEqualTo(w.pristine);
    }
}
