package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Site;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MemoryFailure;
import org.mmproto.core.task.MmOps;

/**
 * Which driver hooks each design asks, and at which site, through the engine's own paths (not by
 * calling design methods): one workload — fault under mbind, move onto and off the node, a
 * longterm pin, a memory failure, munmap, a kernel page under pressure — runs under every
 * built-in design with a recording driver that implements every callback, and the dispatcher's
 * counters give the (site, hook) pairs. A hook moved to another site, or a path that stops
 * reaching the dispatcher, changes the table. The subsystem sites (demotion, promotion,
 * khugepaged, compaction) have no engine path yet; HookConsultationTableTest covers their design
 * methods directly.
 */
class HookSitesThroughTheEngineTest {
    private static final int P = PrivateWorld.P;

    private static Set<String> pairs(Design d) {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY,
                NpOps.NP_OPS_LONGTERM_PIN, NpOps.NP_OPS_RECLAIM);
        PrivateWorld w = new PrivateWorld(drv, d, Duration.ZERO);
        MmOps ops = w.k.mmOps();
        long a = ops.mmap(w.task, 0, 8192, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "p");
        w.k.numa().mbind(w.task, a, 8192, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), 64, 0);
        ops.touch(w.task, a, 8192, true);
        long b = ops.mmap(w.task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "d");
        ops.touch(w.task, b, 4096, true);
        w.k.numa().movePages(w.task, 0, new long[] {b}, new int[] {P}, MemPolicy.MPOL_MF_MOVE);
        w.k.numa().movePages(w.task, 0, new long[] {a}, new int[] {0}, MemPolicy.MPOL_MF_MOVE);
        w.k.gup().pin(w.task, a + 4096, 1, Gup.FOLL_LONGTERM, new int[1]);
        w.k.memoryFailure().poison(ops.folioAt(w.task, a + 4096));
        ops.munmap(w.task, a, 8192);
        ops.munmap(w.task, b, 4096);
        while (w.k.alloc().allocPages(Gfp.GFP_HIGHUSER_MOVABLE.or(Gfp.GFP_PRIVATE).bits() | Gfp.Bits.NOWARN, 0, P, null, 0) >= 0) {
            // fill the node: the slow path wakes its kswapd
        }
        Set<String> out = new TreeSet<>();
        for (Site s : Site.values()) {
            w.k.dispatcher().stats().hooksAt(s).forEach((h, t) -> {
                if (t.consulted() > 0) {
                    out.add(s.name().toLowerCase() + ":" + h.kernelName());
                }
            });
        }
        return out;
    }

    @Test
    void each_design_asks_its_hooks_at_their_sites() {
        Map<String, Set<String>> expected = new LinkedHashMap<>();
        expected.put("unpatched", Set.of());
        expected.put("ops-struct", Set.of("migrate_target:migrate_to", "migrate_target:folio_migrate",
                "migrate_source:migration_filter", "migrate_source:folio_migrate", "gup_longterm:longterm_pin",
                "memory_failure:memory_failure", "free:free_folio", "teardown:teardown", "reclaim:reclaim_policy"));
        expected.put("gfp-flag", Set.of("migrate_target:pressure"));
        expected.put("buddy-veto", Set.of("page_handout:alloc_veto", "free:free_folio"));
        expected.put("fallback-only", Set.of());
        expected.put("memalloc-scope", Set.of());
        expected.put("zonelist-private", Set.of());
        Map<String, Set<String>> actual = new LinkedHashMap<>();
        for (Design d : BuiltInDesigns.all()) {
            actual.put(d.name(), pairs(d));
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void handle_fault_is_asked_at_the_write_fault_of_a_write_protected_node() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_PROTECT_WRITE);
        PrivateWorld w = new PrivateWorld(drv, new org.mmproto.core.hooks.designs.OpsStruct(), Duration.ZERO);
        long a = w.userPageOnPrivateNode();
        w.k.mmOps().touch(w.task, a, 4096, true);
        assertThat(w.k.dispatcher().stats().hooksAt(Site.WRITE_FAULT)).containsKey(Hook.HANDLE_FAULT);
        assertThat(drv.count("handle_fault")).isEqualTo(1);
        assertThat(w.k.dispatcher().ledger().breaches()).isEmpty();
    }
}
