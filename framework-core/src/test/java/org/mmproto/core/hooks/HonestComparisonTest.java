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
import org.mmproto.core.policy.MemPolicy;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.task.MmOps;

/** The defects a reviewer found in the comparison, each pinned by the test that would have caught it. */
class HonestComparisonTest {
    private static final int P = PrivateWorld.P;

    @Test
    void a_refused_migration_target_goes_back_through_folio_put_and_is_no_unnotified_free() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
        drv.migrateToAnswer = MigrateTo.refuse(Errno.ENOSPC);
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        long a = w.k.mmOps().mmap(w.task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "x");
        w.k.mmOps().touch(w.task, a, 4096, true);
        // mbind MOVE: the target is allocated by policy on P first, then migrate_to refuses it
        w.k.numa().mbind(w.task, a, 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), 64, MemPolicy.MPOL_MF_MOVE);
        assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).isEqualTo(0);
        assertThat(drv.count("migrate_to")).isEqualTo(1);
        assertThat(drv.count("free_folio FOLIO_PUT")).as("the undone target reached free_folio").isEqualTo(1);
        assertThat(w.k.dispatcher().ledger().breaches()).isEmpty();
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
    }

    @Test
    void a_longterm_pin_reaches_the_design_as_the_pinning_task_not_the_kernel() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY, NpOps.NP_OPS_LONGTERM_PIN);
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        long a = w.faultedPageOnPrivateNode();
        assertThat(new Gup(w.k).pin(w.task, a, 1, Gup.FOLL_LONGTERM, new int[1])).isNotNull();
        assertThat(drv.calls).contains("longterm_pin pid " + w.task.pid());
    }

    @Test
    void the_faults_of_a_pin_allocate_for_the_pinning_task() {
        RecordingDriver drv = RecordingDriver.with();
        PrivateWorld w = new PrivateWorld(drv, new BuddyVeto(), Duration.ZERO);
        long a = w.k.mmOps().mmap(w.task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "x");
        w.k.numa().mbind(w.task, a, 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), 64, 0);
        assertThat(new Gup(w.k).pin(w.task, a, 1, Gup.FOLL_WRITE, new int[1])).isNotNull(); // the pin write-faults the page in
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
}
