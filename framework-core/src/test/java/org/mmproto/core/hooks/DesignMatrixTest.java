package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Site;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.policy.MovePagesResult;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;

/**
 * The designs on the cases of the design matrix (cases 1-6, 9, 10 and 13: the ones the engine
 * can run today), through the real syscalls, fault path and allocator: each design gives its
 * documented answer, the baseline leaks where mainline does, and the answers differ where the
 * thread says so. Each expectation names every design, so a new design must be placed here.
 */
class DesignMatrixTest {
    private static final int P = PrivateWorld.P;
    private static final long MAXNODE = 64;
    private static final NpOps[] OPTED_IN = {NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY};

    private static Design design(String name) {
        return BuiltInDesigns.all().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    private static PrivateWorld world(String design, NpOps... flags) {
        return new PrivateWorld(RecordingDriver.with(flags), design(design), Duration.ZERO);
    }

    private static long err(Errno e) {
        return -e.code();
    }

    /** An expectation per built-in design, in compare order; fails if one is missing. */
    private static <T> Map<String, T> each(Object... pairs) {
        Map<String, T> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked")
            T v = (T) pairs[i + 1];
            m.put((String) pairs[i], v);
        }
        assertThat(m.keySet()).containsExactlyInAnyOrderElementsOf(
                BuiltInDesigns.all().stream().map(Design::name).toList());
        return m;
    }

    private static long anon(PrivateWorld w, long len) {
        return w.k.mmOps().mmap(w.task, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "b");
    }

    @Test
    void case1_kernel_thisnode_allocation_naming_the_private_node() {
        int gfp = Gfp.GFP_KERNEL.or(Gfp.__GFP_THISNODE).bits() | Gfp.Bits.NOWARN;
        Map<String, Boolean> lands = each("unpatched", true, "ops-struct", false, "gfp-flag", false, "buddy-veto", false,
                "fallback-only", true, "memalloc-scope", false, "zonelist-private", false);
        lands.forEach((design, expected) -> {
            PrivateWorld w = world(design, OPTED_IN);
            long p = w.k.alloc().allocPages(gfp, 0, P, null, 0);
            assertThat(p >= 0).as(design).isEqualTo(expected);
            assertThat(w.k.dispatcher().ledger().count("leak")).as(design + " leak").isEqualTo(expected ? 1 : 0);
        });
    }

    @Test
    void case2_kernel_allocation_preferring_the_private_node_without_thisnode() {
        Map<String, Integer> node = each("unpatched", P, "ops-struct", 0, "gfp-flag", 0, "buddy-veto", 0,
                "fallback-only", 0, "memalloc-scope", 0, "zonelist-private", 0);
        node.forEach((design, expected) -> {
            PrivateWorld w = world(design, OPTED_IN);
            long p = w.k.alloc().allocPages(Gfp.GFP_KERNEL.bits(), 0, P, null, P);
            assertThat(w.k.memmap().nid(p)).as(design).isEqualTo(expected);
        });
    }

    @Test
    void case2_movable_allocation_preferring_the_private_node_is_the_audit_fallback_only_was_wrong_about() {
        Map<String, Integer> node = each("unpatched", P, "ops-struct", 0, "gfp-flag", 0, "buddy-veto", P,
                "fallback-only", 0, "memalloc-scope", 0, "zonelist-private", 0);
        node.forEach((design, expected) -> {
            PrivateWorld w = world(design, OPTED_IN); // buddy-veto: the recording driver consents
            long p = w.k.alloc().allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0, P, null, P);
            assertThat(w.k.memmap().nid(p)).as(design).isEqualTo(expected);
            assertThat(w.k.dispatcher().ledger().count("leak")).as(design + " leak").isEqualTo(design.equals("unpatched") ? 1 : 0);
        });
    }

    @Test
    void case3_set_mempolicy_bind_to_the_private_node() {
        Map<String, Long> opted = each("unpatched", 0L, "ops-struct", 0L, "gfp-flag", 0L, "buddy-veto", 0L,
                "fallback-only", err(Errno.EINVAL), "memalloc-scope", err(Errno.EINVAL), "zonelist-private", 0L);
        opted.forEach((design, expected) -> {
            PrivateWorld w = world(design, OPTED_IN);
            assertThat(w.k.numa().setMempolicy(w.task, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE))
                    .as(design).isEqualTo(expected);
        });
        Map<String, Long> without = each("unpatched", 0L, "ops-struct", err(Errno.EINVAL), "gfp-flag", err(Errno.EINVAL),
                "buddy-veto", 0L, "fallback-only", err(Errno.EINVAL), "memalloc-scope", err(Errno.EINVAL),
                "zonelist-private", err(Errno.EINVAL));
        without.forEach((design, expected) -> {
            PrivateWorld w = world(design);
            assertThat(w.k.numa().setMempolicy(w.task, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE))
                    .as(design + " without opt-in").isEqualTo(expected);
        });
    }

    @Test
    void set_mempolicy_naming_only_ordinary_nodes_is_no_decision_at_all() {
        for (Design d : BuiltInDesigns.all()) {
            PrivateWorld w = new PrivateWorld(RecordingDriver.with(OPTED_IN), d, Duration.ZERO);
            w.k.numa().setMempolicy(w.task, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(0)), MAXNODE);
            assertThat(w.k.dispatcher().stats().consulted(Site.SET_MEMPOLICY)).as(d.name()).isZero();
        }
    }

    @Test
    void one_mbind_naming_the_private_node_is_one_decision() {
        for (Design d : BuiltInDesigns.all()) {
            PrivateWorld w = new PrivateWorld(RecordingDriver.with(OPTED_IN), d, Duration.ZERO);
            w.k.numa().mbind(w.task, anon(w, 4096), 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(0, P)), MAXNODE, 0);
            assertThat(w.k.dispatcher().stats().consulted(Site.MBIND)).as(d.name()).isEqualTo(1);
        }
    }

    @Test
    void case4_mbind_bind_to_the_private_node_then_fault() {
        for (Design d : BuiltInDesigns.all()) {
            PrivateWorld w = new PrivateWorld(RecordingDriver.with(OPTED_IN), d, Duration.ZERO);
            long a = anon(w, 8192);
            assertThat(w.k.numa().mbind(w.task, a, 8192, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE, 0))
                    .as(d.name()).isZero();
            assertThat(w.k.mmOps().touch(w.task, a, 8192, true)).as(d.name()).isZero();
            assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).as(d.name() + ": page on P").isEqualTo(P);
            assertThat(w.k.dispatcher().ledger().breaches()).as(d.name()).isEmpty();
            // one allocation context and one gate decision per faulted page
            assertThat(w.k.dispatcher().stats().consulted(Site.ALLOC_CONTEXT)).as(d.name()).isEqualTo(2);
            assertThat(w.k.dispatcher().stats().consulted(Site.PAGE_ALLOC)).as(d.name()).isEqualTo(2);
        }
        PrivateWorld w = world("ops-struct");
        assertThat(w.k.numa().mbind(w.task, anon(w, 4096), 4096, MemPolicy.MPOL_BIND,
                UserMask.of(NodeMask.of(P)), MAXNODE, 0)).isEqualTo(err(Errno.EINVAL));
    }

    /**
     * set_mempolicy_home_node naming the private node (Site.HOME_NODE, contract R4.15): accepted
     * by mainline and every design whose mails leave the syscall alone; zonelist-private gates it
     * on USER_NUMA (v5 capability table). One decision per call naming the node, none for a
     * public home node; a denial leaves the VMA's policy as it was.
     */
    @Test
    void home_node_naming_the_private_node() {
        Map<String, Long> without = each("unpatched", 0L, "ops-struct", 0L, "gfp-flag", 0L, "buddy-veto", 0L,
                "fallback-only", 0L, "memalloc-scope", 0L, "zonelist-private", err(Errno.EINVAL));
        without.forEach((design, expected) -> {
            for (boolean opted : new boolean[] {false, true}) {
                PrivateWorld w = opted ? world(design, OPTED_IN) : world(design);
                long a = anon(w, 8192);
                w.k.numa().mbind(w.task, a, 8192, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(0, 1)), MAXNODE, 0);
                String as = design + (opted ? " opted in" : " without opt-in");
                assertThat(w.k.numa().setMempolicyHomeNode(w.task, a, 8192, P, 0)).as(as).isEqualTo(opted ? 0L : expected);
                assertThat(w.k.dispatcher().stats().consulted(Site.HOME_NODE)).as(as).isEqualTo(1);
                int home = org.mmproto.core.policy.VmaPolicy.at(w.task.mm().find(a), a).homeNode();
                assertThat(home).as(as + ": home node").isEqualTo(opted || expected == 0 ? P : MemPolicy.NUMA_NO_NODE);
                // the walk from P's zonelist, filtered to {0,1}: the page lands on a public node
                assertThat(w.k.mmOps().touch(w.task, a, 4096, true)).as(as).isZero();
                assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).as(as).isEqualTo(0);
                assertThat(w.k.dispatcher().ledger().breaches()).as(as).isEmpty();
                assertThat(w.k.numa().setMempolicyHomeNode(w.task, a, 8192, 1, 0)).as(as).isZero();
                assertThat(w.k.dispatcher().stats().consulted(Site.HOME_NODE)).as(as + ": a public home node").isEqualTo(1);
            }
        });
    }

    /**
     * A BIND to the private node whose home node is a public node outside the mask: mainline
     * walks node 0's zonelist, which holds P; the RFC designs start from the mask's first node
     * (patch 13), fallback-only from P with THISNODE. The start node a design's context fixes is
     * not overridden by the home node, so every design lands on P (before, the home node won and
     * the walk from node 0's list never reached P under the RFC designs).
     */
    @Test
    void bind_to_the_private_node_with_a_home_node_outside_the_mask_lands_on_it() {
        for (Design d : BuiltInDesigns.all()) {
            PrivateWorld w = new PrivateWorld(RecordingDriver.with(OPTED_IN), d, Duration.ZERO);
            long a = anon(w, 8192);
            assertThat(w.k.numa().mbind(w.task, a, 8192, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE, 0))
                    .as(d.name()).isZero();
            assertThat(w.k.numa().setMempolicyHomeNode(w.task, a, 8192, 0, 0)).as(d.name()).isZero();
            assertThat(w.k.mmOps().touch(w.task, a, 8192, true)).as(d.name()).isZero();
            assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).as(d.name()).isEqualTo(P);
            assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a + 4096))).as(d.name()).isEqualTo(P);
            assertThat(w.k.dispatcher().stats().consulted(Site.HOME_NODE)).as(d.name()).isZero();
            assertThat(w.k.dispatcher().ledger().breaches()).as(d.name()).isEmpty();
        }
    }

    /**
     * With the opt-in every design lets the folio leave. Without it (-ENOENT under ops-struct,
     * gfp-flag and zonelist-private) a user folio cannot reach the node in the first place except
     * by demotion or a device mapping, which the subsystems and drivers issues add.
     */
    @Test
    void case5_move_pages_of_a_folio_on_the_private_node_to_dram() {
        Map<String, Integer> without = each("unpatched", 0, "ops-struct", -Errno.ENOENT.code(), "gfp-flag", -Errno.ENOENT.code(),
                "buddy-veto", 0, "fallback-only", 0, "memalloc-scope", 0, "zonelist-private", -Errno.ENOENT.code());
        for (String design : without.keySet()) {
            PrivateWorld w = new PrivateWorld(RecordingDriver.with(OPTED_IN), design(design), Duration.ZERO);
            long a = w.faultedPageOnPrivateNode();
            MovePagesResult r = w.k.numa().movePages(w.task, 0, new long[] {a}, new int[] {0},
                    MemPolicy.MPOL_MF_MOVE);
            assertThat(r.status()[0]).as(design + " opted in").isEqualTo(0);
            assertThat(w.k.dispatcher().stats().consulted(Site.MIGRATE_SOURCE)).as(design + ": one source decision")
                    .isEqualTo(1);
        }
    }

    @Test
    void case6_move_pages_from_dram_onto_the_private_node() {
        Map<String, Integer> status = each("unpatched", P, "ops-struct", P, "gfp-flag", P, "buddy-veto", P,
                "fallback-only", P, "memalloc-scope", -Errno.ENOMEM.code(), "zonelist-private", P);
        status.forEach((design, expected) -> {
            PrivateWorld w = world(design, OPTED_IN);
            long a = anon(w, 4096);
            w.k.mmOps().touch(w.task, a, 4096, true);
            MovePagesResult r = w.k.numa().movePages(w.task, 0, new long[] {a}, new int[] {P}, MemPolicy.MPOL_MF_MOVE);
            int got = r.status()[0] == Integer.MIN_VALUE ? (int) -Math.abs(r.ret()) : r.status()[0];
            assertThat(got).as(design + " (ret " + r.ret() + ")").isEqualTo(expected);
            assertThat(w.k.dispatcher().ledger().breaches()).as(design).isEmpty();
        });
        for (String design : new String[] {"ops-struct", "zonelist-private"}) {
            PrivateWorld w = world(design);
            long a = anon(w, 4096);
            w.k.mmOps().touch(w.task, a, 4096, true);
            assertThat(w.k.numa().movePages(w.task, 0, new long[] {a}, new int[] {P}, MemPolicy.MPOL_MF_MOVE).ret())
                    .as(design + " without opt-in").isEqualTo(err(Errno.ENODEV));
        }
    }

    @Test
    void case9_longterm_pin_of_a_folio_on_the_private_node() {
        for (ZoneType zone : new ZoneType[] {ZoneType.NORMAL, ZoneType.MOVABLE}) {
            Map<String, String> expected = each(
                    "unpatched", zone == ZoneType.NORMAL ? "pinned on P" : "escaped",
                    "ops-struct", "refused", // without NP_OPS_LONGTERM_PIN
                    "gfp-flag", zone == ZoneType.NORMAL ? "pinned on P" : "escaped", // MEMPOLICY lets it migrate off
                    "buddy-veto", zone == ZoneType.NORMAL ? "pinned on P" : "refused",
                    "fallback-only", zone == ZoneType.NORMAL ? "pinned on P" : "escaped",
                    "memalloc-scope", zone == ZoneType.NORMAL ? "pinned on P" : "escaped",
                    "zonelist-private", "refused"); // without LTPIN
            expected.forEach((design, want) -> {
                RecordingDriver drv = RecordingDriver.with(OPTED_IN).onlined(zone);
                PrivateWorld w = new PrivateWorld(drv, design(design), Duration.ZERO, zone == ZoneType.MOVABLE);
                long a = w.faultedPageOnPrivateNode();
                int[] e = new int[1];
                long[] pinned = w.k.gup().pin(w.task, a, 1, Gup.FOLL_LONGTERM, e);
                String where = pinned == null ? "refused" : w.k.memmap().nid(pinned[0]) == P ? "pinned on P" : "escaped";
                assertThat(where).as(design + " " + zone).isEqualTo(want);
                assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a)) == P).as(design + " " + zone + " folio stays")
                        .isEqualTo(!want.equals("escaped"));
            });
        }
        // ops-struct with NP_OPS_LONGTERM_PIN asks the driver, which can refuse one folio
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY, NpOps.NP_OPS_LONGTERM_PIN);
        drv.pinAnswer = org.mmproto.api.driver.Verdict.deny(Errno.EBUSY, "DMA window busy");
        PrivateWorld w = new PrivateWorld(drv, design("ops-struct"), Duration.ZERO);
        assertThat(w.k.gup().pin(w.task, w.faultedPageOnPrivateNode(), 1, Gup.FOLL_LONGTERM, new int[1])).isNull();
        assertThat(drv.count("longterm_pin")).isEqualTo(1);
    }

    @Test
    void case10_free_notification_on_each_free_path() {
        Map<String, Boolean> notified = each("unpatched", false, "ops-struct", true, "gfp-flag", false, "buddy-veto", true,
                "fallback-only", false, "memalloc-scope", false, "zonelist-private", false);
        notified.forEach((design, expected) -> {
            RecordingDriver drv = RecordingDriver.with(OPTED_IN);
            PrivateWorld w = new PrivateWorld(drv, design(design), Duration.ZERO);
            w.k.mmOps().munmap(w.task, w.faultedPageOnPrivateNode(), 4096);
            assertThat(drv.count("free_folio") > 0).as(design).isEqualTo(expected);
            assertThat(w.k.dispatcher().ledger().count("unnotified free")).as(design).isZero();
        });
    }

    @Test
    void a_2MiB_allocation_on_a_node_whose_driver_vetoes_fails_only_where_the_buddy_asks_the_driver() {
        int thp = Gfp.GFP_TRANSHUGE_LIGHT.or(Gfp.__GFP_THISNODE).or(Gfp.__GFP_PRIVATE).bits() | Gfp.Bits.NOWARN;
        Map<String, Boolean> refused = each("unpatched", false, "ops-struct", false, "gfp-flag", false, "buddy-veto", true,
                "fallback-only", false, "memalloc-scope", true, "zonelist-private", true);
        refused.forEach((design, expected) -> {
            RecordingDriver drv = RecordingDriver.with(OPTED_IN);
            drv.allocAnswer = org.mmproto.api.driver.Verdict.deny(Errno.ENOMEM, "compressed device full");
            PrivateWorld w = new PrivateWorld(drv, design(design), Duration.ZERO);
            long p = w.k.alloc().allocPages(thp, 9, P, null, 0);
            assertThat(p < 0).as(design).isEqualTo(expected);
            // asked once for the whole allocation, however many passes the slow path makes
            assertThat(drv.count("alloc_veto")).as(design + " asked the driver").isEqualTo(design.equals("buddy-veto") ? 1 : 0);
        });
    }

    @Test
    void case13_a_nested_allocation_during_a_private_fault_inherits_only_a_task_scope() {
        Map<String, Integer> nestedLands = each("unpatched", P, "ops-struct", 0, "gfp-flag", 0, "buddy-veto", 0,
                "fallback-only", 0, "memalloc-scope", P, "zonelist-private", 0);
        nestedLands.forEach((design, expected) -> {
            PrivateWorld w = world(design, OPTED_IN);
            long a = anon(w, 4096);
            w.k.numa().mbind(w.task, a, 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE, 0);
            long[] got = {Long.MIN_VALUE};
            w.k.alloc().armNested(new PageAllocator.NestedAlloc() {
                @Override
                public int gfp() {
                    return Gfp.GFP_ATOMIC.bits();
                }

                @Override
                public int order() {
                    return 0;
                }

                @Override
                public void done(long pfnOrErrno, int outerNid) {
                    got[0] = pfnOrErrno;
                }
            });
            assertThat(w.k.mmOps().touch(w.task, a, 4096, true)).as(design).isZero();
            assertThat(got[0]).as(design + " nested allocation ran").isGreaterThanOrEqualTo(0);
            assertThat(w.k.memmap().nid(got[0])).as(design).isEqualTo(expected);
            assertThat(w.k.dispatcher().ledger().count("leak")).as(design).isEqualTo(expected == P ? 1 : 0);
        });
    }

    @Test
    void zonelist_private_maps_v4_names_onto_capabilities() {
        PrivateWorld w = world("zonelist-private", NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
        assertThat(w.k.numa().setMempolicy(w.task, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE)).isZero();
        assertThat(NodeCap.fromV4(Set.of(NpOps.NP_OPS_DEMOTION)))
                .containsExactlyInAnyOrder(NodeCap.NODE_PRIVATE_CAP_DEMOTION, NodeCap.NODE_PRIVATE_CAP_RECLAIM);
    }

    @Test
    void the_footprint_is_where_a_design_answers_or_asks_differently_from_the_unpatched_kernel() {
        Map<String, Set<Site>> footprint = new LinkedHashMap<>();
        for (Design d : BuiltInDesigns.all()) {
            PrivateWorld w = new PrivateWorld(RecordingDriver.with(OPTED_IN), d, Duration.ZERO);
            long a = anon(w, 8192);
            w.k.numa().mbind(w.task, a, 8192, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE, 0);
            w.k.mmOps().touch(w.task, a, 8192, true);
            w.k.mmOps().exit(w.task);
            footprint.put(d.name(), w.k.dispatcher().stats().footprint());
        }
        assertThat(footprint.get("unpatched")).isEmpty();
        // v4: node states, zonelists, cpuset at boot; __GFP_PRIVATE injected at fault; free_folio and teardown on exit
        assertThat(footprint.get("ops-struct")).containsExactlyInAnyOrder(Site.NODE_STATES, Site.ZONELIST_BUILD,
                Site.CPUSET, Site.ALLOC_CONTEXT, Site.FREE, Site.TEARDOWN);
        // the driver opted in, so mbind answers as mainline does: not a departure on this run
        assertThat(footprint.get("ops-struct")).doesNotContain(Site.MBIND);
        // buddy-veto asks the driver at hand-out and on free; topology and policy untouched
        assertThat(footprint.get("buddy-veto")).containsExactlyInAnyOrder(Site.PAGE_HANDOUT, Site.FREE);
        // fallback-only changes only the zonelists (and the BIND's THISNODE to reach the node)
        assertThat(footprint.get("fallback-only")).containsExactlyInAnyOrder(Site.ZONELIST_BUILD, Site.ALLOC_CONTEXT);
        assertThat(footprint.get("memalloc-scope")).contains(Site.ALLOC_CONTEXT).doesNotContain(Site.FREE);
        assertThat(footprint.get("zonelist-private")).containsExactlyInAnyOrder(Site.NODE_STATES, Site.ZONELIST_BUILD,
                Site.CPUSET, Site.ALLOC_CONTEXT);
    }
}
