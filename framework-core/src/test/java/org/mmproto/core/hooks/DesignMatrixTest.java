package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Site;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.hooks.designs.BuddyVeto;
import org.mmproto.core.hooks.designs.FallbackOnly;
import org.mmproto.core.hooks.designs.GfpFlag;
import org.mmproto.core.hooks.designs.MemallocScope;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.policy.MemPolicy;
import org.mmproto.core.policy.NumaSyscalls;
import org.mmproto.core.policy.UserMask;
import org.mmproto.api.NodeMask;
import org.mmproto.core.task.MmOps;

/**
 * The five designs on the cases of design-matrix.md, through the real syscalls and fault path:
 * each design gives its documented answer, and the answers differ where the thread says so.
 */
class DesignMatrixTest {
    private static final Map<String, Supplier<Design>> DESIGNS = Map.of(
            "ops-struct", OpsStruct::new, "gfp-flag", GfpFlag::new, "buddy-veto", BuddyVeto::new,
            "fallback-only", FallbackOnly::new, "memalloc-scope", MemallocScope::new);
    private static final int P = PrivateWorld.P;
    private static final long MAXNODE = 64;

    private static PrivateWorld world(String design, NpOps... flags) {
        return new PrivateWorld(RecordingDriver.with(flags), DESIGNS.get(design).get(), Duration.ZERO);
    }

    private static long err(Errno e) {
        return -e.code();
    }

    @Test
    void case1_kernel_thisnode_allocation_naming_the_private_node() {
        int gfp = Gfp.GFP_KERNEL.or(Gfp.__GFP_THISNODE).bits() | Gfp.Bits.NOWARN;
        Map<String, Boolean> lands = Map.of("ops-struct", false, "gfp-flag", false, "buddy-veto", false,
                "fallback-only", true, "memalloc-scope", false);
        lands.forEach((design, expected) -> {
            PrivateWorld w = world(design, NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
            long p = w.k.alloc().allocPages(gfp, 0, P, null, 0);
            assertThat(p >= 0).as(design).isEqualTo(expected);
            assertThat(w.k.dispatcher().ledger().count("leak")).as(design + " leak").isEqualTo(expected ? 1 : 0);
        });
    }

    @Test
    void case3_set_mempolicy_bind_to_the_private_node() {
        Map<String, Long> withMempolicy = Map.of("ops-struct", 0L, "gfp-flag", 0L, "buddy-veto", 0L,
                "fallback-only", err(Errno.EINVAL), "memalloc-scope", err(Errno.EINVAL));
        withMempolicy.forEach((design, expected) -> {
            PrivateWorld w = world(design, NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
            assertThat(w.k.numa().setMempolicy(w.task, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE))
                    .as(design).isEqualTo(expected);
        });
        Map<String, Long> without = Map.of("ops-struct", err(Errno.EINVAL), "gfp-flag", err(Errno.EINVAL), "buddy-veto", 0L,
                "fallback-only", err(Errno.EINVAL), "memalloc-scope", err(Errno.EINVAL));
        without.forEach((design, expected) -> {
            PrivateWorld w = world(design);
            assertThat(w.k.numa().setMempolicy(w.task, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE))
                    .as(design + " without NP_OPS_MEMPOLICY").isEqualTo(expected);
        });
    }

    @Test
    void case4_mbind_bind_to_the_private_node_then_fault() {
        for (String design : DESIGNS.keySet()) {
            PrivateWorld w = world(design, NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
            long a = w.k.mmOps().mmap(w.task, 0, 8192, MmOps.PROT_READ | MmOps.PROT_WRITE,
                    MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "b");
            assertThat(w.k.numa().mbind(w.task, a, 8192, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE, 0))
                    .as(design).isZero();
            assertThat(w.k.mmOps().touch(w.task, a, 8192, true)).as(design).isZero();
            assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).as(design + ": page on P").isEqualTo(P);
            assertThat(w.k.dispatcher().ledger().breaches()).as(design).isEmpty();
        }
        // without MEMPOLICY, ops-struct refuses the mbind itself
        PrivateWorld w = world("ops-struct");
        assertThat(w.k.numa().mbind(w.task, w.k.mmOps().mmap(w.task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "b"), 4096, MemPolicy.MPOL_BIND,
                UserMask.of(NodeMask.of(P)), MAXNODE, 0)).isEqualTo(err(Errno.EINVAL));
    }

    @Test
    void case6_move_pages_from_dram_onto_the_private_node() {
        Map<String, Integer> status = Map.of("ops-struct", P, "gfp-flag", P, "buddy-veto", P,
                "fallback-only", P, "memalloc-scope", -Errno.ENOMEM.code());
        status.forEach((design, expected) -> {
            PrivateWorld w = world(design, NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
            long a = w.k.mmOps().mmap(w.task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                    MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "b");
            w.k.mmOps().touch(w.task, a, 4096, true);
            NumaSyscalls.MovePagesResult r = w.k.numa().movePages(w.task, 0, new long[] {a}, new int[] {P}, MemPolicy.MPOL_MF_MOVE);
            int got = r.status()[0] == Integer.MIN_VALUE ? (int) -Math.abs(r.ret()) : r.status()[0];
            assertThat(got).as(design + " (ret " + r.ret() + ")").isEqualTo(expected);
        });
        // ops-struct without NP_OPS_MIGRATION: the node is not a valid target
        PrivateWorld w = world("ops-struct");
        long a = w.k.mmOps().mmap(w.task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "b");
        w.k.mmOps().touch(w.task, a, 4096, true);
        assertThat(w.k.numa().movePages(w.task, 0, new long[] {a}, new int[] {P}, MemPolicy.MPOL_MF_MOVE).ret())
                .isEqualTo(err(Errno.ENODEV));
    }

    @Test
    void case9_longterm_pin_follows_the_zone_under_buddy_veto_and_escapes_under_fallback_only() {
        for (ZoneType zone : new ZoneType[] {ZoneType.NORMAL, ZoneType.MOVABLE}) {
            for (String design : new String[] {"buddy-veto", "fallback-only", "ops-struct"}) {
                PrivateWorld w = new PrivateWorld(RecordingDriver.with(NpOps.NP_OPS_MIGRATION).onlined(zone),
                        DESIGNS.get(design).get(), Duration.ZERO, zone == ZoneType.MOVABLE);
                long a = w.userPageOnPrivateNode();
                int[] e = new int[1];
                long[] pinned = new Gup(w.k).pin(w.task, a, 1, Gup.FOLL_LONGTERM, e);
                String where = pinned == null ? "refused" : w.k.memmap().nid(pinned[0]) == P ? "pinned on P" : "escaped";
                String expected = switch (design) {
                    case "buddy-veto" -> zone == ZoneType.NORMAL ? "pinned on P" : "refused";
                    case "fallback-only" -> zone == ZoneType.NORMAL ? "pinned on P" : "escaped";
                    default -> "refused"; // ops-struct without NP_OPS_LONGTERM_PIN
                };
                assertThat(where).as(design + " " + zone).isEqualTo(expected);
                assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a)) == P).as(design + " " + zone + " folio stays")
                        .isEqualTo(!expected.equals("escaped"));
            }
        }
    }

    @Test
    void a_2MiB_allocation_on_a_node_whose_driver_vetoes_fails_only_where_the_buddy_asks_the_driver() {
        int thp = Gfp.GFP_TRANSHUGE_LIGHT.or(Gfp.__GFP_THISNODE).or(Gfp.__GFP_PRIVATE).bits() | Gfp.Bits.NOWARN;
        for (String design : DESIGNS.keySet()) {
            RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
            drv.allocAnswer = org.mmproto.api.driver.Verdict.deny(Errno.ENOMEM, "compressed device full");
            PrivateWorld w = new PrivateWorld(drv, DESIGNS.get(design).get(), Duration.ZERO);
            long p = w.k.alloc().allocPages(thp, 9, P, null, 0);
            boolean expectRefused = switch (design) {
                case "buddy-veto" -> true;        // the buddy asks; the device says no
                case "memalloc-scope" -> true;    // not in a scope
                default -> false;                 // the flag (or nothing) decides; the driver is never asked
            };
            assertThat(p < 0).as(design).isEqualTo(expectRefused);
            // the buddy asks on every attempt to take pages (fast path, then each slow-path retry)
            assertThat(drv.count("alloc_veto") > 0).as(design + " asked the driver").isEqualTo(design.equals("buddy-veto"));
        }
    }

    @Test
    void the_footprint_holds_the_sites_where_a_design_departs_from_the_unpatched_kernel() {
        Map<String, java.util.Set<Site>> footprint = new java.util.HashMap<>();
        for (String design : DESIGNS.keySet()) {
            PrivateWorld w = world(design, NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
            long a = w.k.mmOps().mmap(w.task, 0, 8192, MmOps.PROT_READ | MmOps.PROT_WRITE,
                    MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "b");
            w.k.numa().mbind(w.task, a, 8192, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE, 0);
            w.k.mmOps().touch(w.task, a, 8192, true);
            w.k.mmOps().exit(w.task);
            footprint.put(design, w.k.dispatcher().stats().footprint());
        }
        // ops-struct reads NP_OPS flags at mbind and injects __GFP_PRIVATE at fault; free_folio on exit
        assertThat(footprint.get("ops-struct")).contains(Site.MBIND, Site.PAGE_ALLOC, Site.FREE, Site.TEARDOWN);
        // buddy-veto asks the driver at allocation and on free, and nothing at mbind
        assertThat(footprint.get("buddy-veto")).contains(Site.PAGE_ALLOC, Site.FREE).doesNotContain(Site.MBIND);
        // fallback-only lets mbind and the fault through untouched
        assertThat(footprint.get("fallback-only")).isEmpty();
    }
}
