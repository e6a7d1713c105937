package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Site;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;

/**
 * Where the page tables of a task bound to the private node by set_mempolicy(MPOL_BIND, {P})
 * land under each design (the table in {@code PageTablePages}' javadoc), through the syscalls:
 * set_mempolicy, mmap, a write fault, exit. The driver opted into mempolicy (and migration).
 */
class PageTablePlacementTest {
    private static final int P = PrivateWorld.P;
    private static final NpOps[] OPTED_IN = {NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY};

    /** What one design does: set_mempolicy's return, the fault's, the tables on node 0 and on P, leaks. */
    record Outcome(long setMempolicy, int fault, long tablesOnD, long tablesOnP, long leaks) {
    }

    private static final Outcome LEAKS_ON_P = new Outcome(0, 0, 0, 3, 3);
    private static final Outcome NO_TABLE = new Outcome(0, -Errno.ENOMEM.code(), 0, 0, 0);
    private static final Outcome REFUSED = new Outcome(-Errno.EINVAL.code(), 0, 3, 0, 0);
    private static final Outcome SPILLS = new Outcome(0, 0, 3, 0, 0);

    private static Map<String, Outcome> each(Object... pairs) {
        Map<String, Outcome> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Outcome) pairs[i + 1]);
        }
        assertThat(m.keySet()).containsExactlyInAnyOrderElementsOf(BuiltInDesigns.all().stream().map(Design::name).toList());
        return m;
    }

    private static Design design(String name) {
        return BuiltInDesigns.all().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    private static Outcome run(String design, boolean movable, NodeMask bind, PrivateWorld[] keep) {
        PrivateWorld w = new PrivateWorld(RecordingDriver.with(OPTED_IN), design(design), Duration.ZERO, movable);
        keep[0] = w;
        long set = w.k.numa().setMempolicy(w.task, MemPolicy.MPOL_BIND, UserMask.of(bind), 64);
        long addr = w.k.mmOps().mmap(w.task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "b");
        int fault = w.k.mmOps().touch(w.task, addr, 4096, true);
        return new Outcome(set, fault, w.k.mem().node(0).vmstat(VmStat.NR_PAGE_TABLE_PAGES),
                w.k.mem().node(P).vmstat(VmStat.NR_PAGE_TABLE_PAGES), w.k.dispatcher().ledger().count("leak"));
    }

    private static void check(Map<String, Outcome> expected, boolean movable, NodeMask bind) {
        expected.forEach((design, want) -> {
            PrivateWorld[] w = new PrivateWorld[1];
            Outcome got = run(design, movable, bind, w);
            assertThat(got).as(design + (movable ? " (movable P)" : " (normal P)")).isEqualTo(want);
            // the veto is never asked about a page table: the gate refuses non-movable first
            assertThat(w[0].k.dispatcher().stats().hookCalls(Site.PAGE_HANDOUT, Hook.ALLOC_VETO))
                    .as(design + " alloc_veto").isLessThanOrEqualTo(got.fault() == 0 ? 1 : 0);
            w[0].k.mmOps().exit(w[0].task);
            assertThat(w[0].k.mem().vmstat(VmStat.NR_PAGE_TABLE_PAGES)).as(design + " after exit").isZero();
            assertThat(DebugVm.check(w[0].k.mem())).as(design).isEmpty();
        });
    }

    @Test
    void on_a_normal_zoned_private_node_mainline_leaks_the_tables_buddy_veto_fails_the_fault_the_others_spill() {
        // N_MEMORY_PRIVATE designs: P is not in N_NORMAL_MEMORY, so apply_policy_zone drops the
        // mask for a ZONE_NORMAL request; buddy-veto keeps P in N_MEMORY and its gate refuses
        check(each("unpatched", LEAKS_ON_P, "ops-struct", SPILLS, "gfp-flag", SPILLS, "buddy-veto", NO_TABLE,
                "fallback-only", REFUSED, "memalloc-scope", REFUSED, "zonelist-private", SPILLS), false, NodeMask.of(P));
    }

    @Test
    void on_a_movable_only_private_node_the_tables_spill_to_public_memory_under_every_design() {
        check(each("unpatched", SPILLS, "ops-struct", SPILLS, "gfp-flag", SPILLS, "buddy-veto", SPILLS,
                "fallback-only", REFUSED, "memalloc-scope", REFUSED, "zonelist-private", SPILLS), true, NodeMask.of(P));
    }

    @Test
    void a_bind_that_also_names_a_public_node_spills_the_tables_to_it_where_p_is_closed_to_kernel_memory() {
        // the local node 0 is in the mask: it comes first in node 0's zonelist under every design
        check(each("unpatched", SPILLS, "ops-struct", SPILLS, "gfp-flag", SPILLS, "buddy-veto", SPILLS,
                "fallback-only", REFUSED, "memalloc-scope", REFUSED, "zonelist-private", SPILLS), false,
                NodeMask.of(0).with(P));
    }
}
