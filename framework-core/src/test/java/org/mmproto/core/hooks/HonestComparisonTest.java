package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Site;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.hooks.designs.BuddyVeto;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.TransparentHugepage;

/** The defects a reviewer found in the comparison, each pinned by the test that would have caught it. */
class HonestComparisonTest {
    private static final int P = PrivateWorld.P;

    @Test
    void a_refused_mbind_move_target_is_never_allocated_from() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
        drv.migrateToAnswer = MigrateTo.refuse(Errno.ENOSPC);
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        long a = w.k.mmOps().mmap(w.task, 0, 2 * 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "x");
        w.k.mmOps().touch(w.task, a, 2 * 4096, true);
        long pgallocOnP = pgalloc(w, P);
        // mbind MOVE: the policy picks P, migrate_to is asked before P's pages are touched and refuses
        long r = w.k.numa().mbind(w.task, a, 2 * 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), 64,
                MemPolicy.MPOL_MF_MOVE | MemPolicy.MPOL_MF_STRICT);
        assertThat(r).as("a folio not moved under MPOL_MF_STRICT").isEqualTo(-Errno.EIO.code());
        assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).isEqualTo(0);
        assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a + 4096))).isEqualTo(0);
        // once per folio and pass: a refusal does not stop the batch, and migrate_pages_sync retries
        // every failure of its MIGRATE_ASYNC round one by one (2 folios x 2 rounds)
        assertThat(drv.count("migrate_to")).as("once per folio and round").isEqualTo(4);
        assertThat(w.k.dispatcher().stats().consulted(Site.MIGRATE_TARGET)).isEqualTo(4);
        assertThat(pgalloc(w, P)).as("pages allocated on the refusing node").isEqualTo(pgallocOnP);
        assertThat(drv.count("free_folio")).isZero();
        assertThat(w.k.dispatcher().ledger().breaches()).isEmpty();
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
    }

    @Test
    void an_accepted_mbind_move_target_is_decided_once_and_lands_on_the_node() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        long a = w.k.mmOps().mmap(w.task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "x");
        w.k.mmOps().touch(w.task, a, 4096, true);
        assertThat(w.k.numa().mbind(w.task, a, 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), 64,
                MemPolicy.MPOL_MF_MOVE)).isZero();
        assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).isEqualTo(P);
        assertThat(drv.count("migrate_to")).isEqualTo(1);
        assertThat(w.k.dispatcher().stats().consulted(Site.MIGRATE_TARGET)).isEqualTo(1);
    }

    private static long pgalloc(PrivateWorld w, int nid) {
        var node = w.k.mem().node(nid);
        return node.vmstat(VmStat.PGALLOC_DMA) + node.vmstat(VmStat.PGALLOC_DMA32)
                + node.vmstat(VmStat.PGALLOC_NORMAL) + node.vmstat(VmStat.PGALLOC_MOVABLE);
    }

    @Test
    void a_longterm_pin_reaches_the_design_as_the_pinning_task_not_the_kernel() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY, NpOps.NP_OPS_LONGTERM_PIN);
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        long a = w.faultedPageOnPrivateNode();
        assertThat(w.k.gup().pin(w.task, a, 1, Gup.FOLL_LONGTERM, new int[1])).isNotNull();
        assertThat(drv.calls).contains("longterm_pin pid " + w.task.pid());
    }

    @Test
    void the_faults_of_a_pin_allocate_for_the_pinning_task() {
        RecordingDriver drv = RecordingDriver.with();
        PrivateWorld w = new PrivateWorld(drv, new BuddyVeto(), Duration.ZERO);
        long a = w.k.mmOps().mmap(w.task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "x");
        w.k.numa().mbind(w.task, a, 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), 64, 0);
        assertThat(w.k.gup().pin(w.task, a, 1, Gup.FOLL_WRITE, new int[1])).isNotNull(); // the pin write-faults the page in
        assertThat(drv.calls).contains("alloc_veto order 0 pid " + w.task.pid());
    }

    @Test
    void the_baseline_consults_no_driver_and_departs_from_nothing_yet_sees_every_event() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
        PrivateWorld w = new PrivateWorld(drv, new Unpatched(), Duration.ZERO);
        long a = w.faultedPageOnPrivateNode();
        w.k.mmOps().munmap(w.task, a, 4096);
        assertThat(drv.calls).containsExactly("bind " + P);
        assertThat(w.k.dispatcher().stats().footprint()).isEmpty();
        assertThat(w.k.dispatcher().stats().consulted(Site.PAGE_ALLOC)).isEqualTo(1);
        assertThat(w.k.dispatcher().stats().consulted(Site.FREE)).isEqualTo(1);
    }

    @Test
    void a_denial_that_mainline_would_also_give_is_not_a_departure() {
        // ops-struct refuses GFP_KERNEL|__GFP_THISNODE on P; mainline would allow it: a departure.
        PrivateWorld w = new PrivateWorld(RecordingDriver.with(), new OpsStruct(), Duration.ZERO);
        w.k.alloc().allocPages(org.mmproto.api.Gfp.GFP_KERNEL.or(org.mmproto.api.Gfp.__GFP_THISNODE).bits()
                | org.mmproto.api.Gfp.Bits.NOWARN, 0, P, null, 0);
        assertThat(w.k.dispatcher().stats().sites().get(Site.PAGE_ALLOC).departed()).isEqualTo(1);
        // an mbind the driver opted into is answered as mainline answers it: decided, not departed
        PrivateWorld opted = new PrivateWorld(RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY),
                new OpsStruct(), Duration.ZERO);
        opted.faultedPageOnPrivateNode();
        assertThat(opted.k.dispatcher().stats().sites().get(Site.MBIND).consulted()).isEqualTo(1);
        assertThat(opted.k.dispatcher().stats().sites().get(Site.MBIND).departed()).isZero();
    }

    @Test
    void capabilities_are_checked_at_registration_demotion_needs_reclaim() {
        RecordingDriver drv = RecordingDriver.with();
        drv.caps = java.util.EnumSet.of(org.mmproto.api.driver.NodeCap.NODE_PRIVATE_CAP_DEMOTION);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PrivateWorld(drv,
                        new org.mmproto.core.hooks.designs.ZonelistPrivate(), Duration.ZERO))
                .hasMessageContaining("NODE_PRIVATE_CAP_DEMOTION requires NODE_PRIVATE_CAP_RECLAIM");
    }

    @Test
    void a_node_without_a_driver_is_never_consulted_and_the_refusal_is_the_departure() {
        PrivateWorld w = new PrivateWorld(null, new BuddyVeto(), Duration.ZERO);
        long p = w.k.alloc().allocPages(org.mmproto.api.Gfp.GFP_HIGHUSER_MOVABLE.or(org.mmproto.api.Gfp.__GFP_THISNODE).bits()
                | org.mmproto.api.Gfp.Bits.NOWARN, 0, P, null, 0);
        assertThat(p).isNegative();
        assertThat(w.k.dispatcher().stats().hookCalls(Site.PAGE_HANDOUT, org.mmproto.api.driver.Hook.ALLOC_VETO)).isZero();
        assertThat(w.k.dispatcher().stats().footprint()).contains(Site.PAGE_HANDOUT);
    }

    @Test
    void only_a_callback_the_driver_implements_can_consent_to_a_landing() {
        // a driver that opted into nothing and implements no veto: buddy-veto's hand-out gets the default
        org.mmproto.api.driver.PrivateNodeDriver bare = (binding, ctx) -> new org.mmproto.api.driver.NodeOptIns(
                java.util.Set.of());
        PrivateWorld w = new PrivateWorld(bare, new BuddyVeto(), Duration.ZERO);
        long p = w.k.alloc().allocPages(org.mmproto.api.Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0, P, null, P);
        assertThat(w.k.memmap().nid(p)).isEqualTo(P);
        assertThat(w.k.dispatcher().ledger().count("leak")).isEqualTo(1);
        PrivateWorld asked = new PrivateWorld(RecordingDriver.with(), new BuddyVeto(), Duration.ZERO);
        asked.k.alloc().allocPages(org.mmproto.api.Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0, P, null, P);
        assertThat(asked.k.dispatcher().ledger().count("leak")).isZero();
    }

    @Test
    void kswapd_of_a_private_node_is_asked_about_once_per_allocation_call() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY, NpOps.NP_OPS_RECLAIM);
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        // a kernel allocation P refuses (no __GFP_PRIVATE): fast path, slow path and retries all walk P's list
        w.k.alloc().allocPages(org.mmproto.api.Gfp.GFP_KERNEL.or(org.mmproto.api.Gfp.__GFP_THISNODE).bits()
                | org.mmproto.api.Gfp.Bits.NOWARN, 0, P, null, 0);
        assertThat(w.k.dispatcher().stats().consulted(Site.RECLAIM)).isLessThanOrEqualTo(1);
        assertThat(drv.count("reclaim_policy")).isEqualTo(w.k.dispatcher().stats().consulted(Site.RECLAIM));
    }

    @Test
    void a_longterm_pin_decides_once_per_folio_not_per_page() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY, NpOps.NP_OPS_LONGTERM_PIN);
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        w.k.setThp(org.mmproto.core.task.TransparentHugepage.Mode.ALWAYS);
        long a = w.k.mmOps().mmap(w.task, 0, 4 << 20, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "thp");
        long huge = (a + (2 << 20) - 1) & -(2L << 20);
        w.k.numa().mbind(w.task, a, 4 << 20, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), 64, 0);
        w.k.mmOps().touch(w.task, huge, 4096, true);
        assertThat(w.k.memmap().order(w.k.mmOps().folioAt(w.task, huge))).isEqualTo(9);
        assertThat(w.k.gup().pin(w.task, huge, 16, Gup.FOLL_LONGTERM | Gup.FOLL_WRITE, new int[1])).isNotNull();
        assertThat(w.k.dispatcher().stats().consulted(Site.GUP_LONGTERM)).isEqualTo(1);
        assertThat(drv.count("longterm_pin")).isEqualTo(1);
    }

    @Test
    void fallback_only_moves_an_mbind_folio_onto_the_node_with_THISNODE() {
        PrivateWorld w = new PrivateWorld(RecordingDriver.with(), new org.mmproto.core.hooks.designs.FallbackOnly(), Duration.ZERO);
        long a = w.k.mmOps().mmap(w.task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "x");
        w.k.mmOps().touch(w.task, a, 4096, true);
        assertThat(w.k.numa().mbind(w.task, a, 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), 64,
                MemPolicy.MPOL_MF_MOVE)).isZero();
        assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).isEqualTo(P);
    }
}
