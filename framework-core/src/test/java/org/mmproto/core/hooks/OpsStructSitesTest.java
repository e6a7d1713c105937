package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Site;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.mm.DebugVm;

/** ops-struct (RFC v4) at each site, with a recording driver on private node 2. */
class OpsStructSitesTest {

    @Test
    void thisnode_kernel_allocation_naming_the_private_node_without_GFP_PRIVATE_is_ENOMEM() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
        PrivateWorld w = new PrivateWorld(drv);
        int thisnode = Gfp.GFP_KERNEL.or(Gfp.__GFP_THISNODE).bits() | Gfp.Bits.NOWARN;
        assertThat(w.k.alloc().allocPages(thisnode, 0, PrivateWorld.P, null, 0)).isEqualTo(-Errno.ENOMEM.code());
        assertThat(w.k.dispatcher().stats().consulted(Site.PAGE_ALLOC)).isPositive();
        long p = w.k.alloc().allocPages(thisnode | Gfp.Bits.PRIVATE, 0, PrivateWorld.P, null, 0);
        assertThat(w.k.memmap().nid(p)).isEqualTo(PrivateWorld.P);
        // v4 has no allocation callback: the gate is the flag alone
        assertThat(drv.count("alloc_veto")).isZero();
    }

    @Test
    void kernel_allocation_preferring_the_private_node_without_thisnode_falls_back_to_dram() {
        PrivateWorld w = new PrivateWorld(RecordingDriver.with());
        long p = w.k.alloc().allocPages(Gfp.GFP_KERNEL.bits(), 0, PrivateWorld.P, null, 0);
        assertThat(w.k.memmap().nid(p)).isZero();
    }

    @Test
    void policy_target_needs_NP_OPS_MEMPOLICY() {
        PrivateWorld without = new PrivateWorld(RecordingDriver.with());
        assertThat(Dispatcher.errnoOf(without.k.dispatcher().policyTarget(PrivateWorld.P, Site.MBIND), null))
                .isEqualTo(Errno.EINVAL);
        PrivateWorld with = new PrivateWorld(RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY));
        assertThat(with.k.dispatcher().policyTarget(PrivateWorld.P, Site.SET_MEMPOLICY).allowed()).isTrue();
    }

    @Test
    void migration_target_without_NP_OPS_MIGRATION_is_ENODEV_and_with_it_migrate_to_decides() {
        PrivateWorld without = new PrivateWorld(RecordingDriver.with());
        assertThat(Dispatcher.errnoOf(without.k.dispatcher().policyTarget(PrivateWorld.P, Site.MIGRATE_NODE), null)).isEqualTo(Errno.ENODEV);

        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION);
        PrivateWorld w = new PrivateWorld(drv);
        w.userPageOnPrivateNode();
        assertThat(drv.count("migrate_to")).isEqualTo(1);
        assertThat(drv.calls).contains("folio_migrate 0->2");
        drv.migrateToAnswer = MigrateTo.refuse(Errno.ENOSPC);
        org.assertj.core.api.Assertions.assertThatThrownBy(w::userPageOnPrivateNode).hasMessageContaining("-" + Errno.ENOSPC.code());
    }

    @Test
    void folio_on_a_node_without_NP_OPS_MIGRATION_cannot_leave_it_ENOENT() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION);
        PrivateWorld w = new PrivateWorld(drv);
        long addr = w.userPageOnPrivateNode();
        long folio = w.k.mmOps().folioAt(w.task, addr);
        // a second world whose driver lacks MIGRATION cannot get a page there; so check the decision directly
        PrivateWorld strict = new PrivateWorld(RecordingDriver.with());
        long kpage = strict.k.alloc().allocPages(Gfp.GFP_PRIVATE.bits(), 0, PrivateWorld.P, null, 0);
        assertThat(Dispatcher.errnoOf(strict.k.dispatcher().migrateOff(kpage, 0, MigrateReason.MR_SYSCALL), null))
                .isEqualTo(Errno.ENOENT);
        // with MIGRATION it may leave
        Migration.Result r = w.k.migration().migrate(List.of(folio), 0, (s, o) -> w.k.alloc().allocPages(
                Gfp.GFP_HIGHUSER_MOVABLE.or(Gfp.__GFP_THISNODE).bits(), o, 0, null, 0),
                Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        assertThat(r.outcome()).containsExactly(0);
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
    }

    @Test
    void free_folio_is_called_on_folio_put_and_folios_put_but_not_on_free_pages() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION);
        PrivateWorld w = new PrivateWorld(drv);
        long a = w.userPageOnPrivateNode();
        // FOLIOS_PUT: munmap batches its frees
        w.k.mmOps().munmap(w.task, a, 4096);
        assertThat(drv.frees).extracting(e -> e.path()).containsExactly(FreePath.FOLIOS_PUT);
        // FOLIO_PUT: migrating a folio off the node frees the source with folio_put
        long b = w.userPageOnPrivateNode();
        long folio = w.k.mmOps().folioAt(w.task, b);
        w.k.migration().migrate(List.of(folio), 0, (s, o) -> w.k.alloc().allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits(), o, 0, null, 0),
                Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        assertThat(drv.frees).extracting(e -> e.path()).containsExactly(FreePath.FOLIOS_PUT, FreePath.FOLIO_PUT);
        // FREE_PAGES: a kernel allocation freed with __free_pages is not wired in v4: unnotified
        long k = w.k.alloc().allocPages(Gfp.GFP_PRIVATE.bits(), 0, PrivateWorld.P, null, 0);
        w.k.alloc().freePages(k, 0);
        assertThat(drv.frees).hasSize(2);
        assertThat(w.k.dispatcher().stats().hookCalls(Site.FREE, Hook.FREE_FOLIO)).isEqualTo(2);
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
    }

    @Test
    void free_folio_keep_holds_the_folio_until_the_driver_releases_it() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION);
        drv.freeAnswer = FreeAction.KEEP;
        PrivateWorld w = new PrivateWorld(drv);
        long a = w.userPageOnPrivateNode();
        long folio = w.k.mmOps().folioAt(w.task, a);
        long used = w.userFolioPages();
        w.k.mmOps().munmap(w.task, a, 4096);
        assertThat(w.userFolioPages()).isEqualTo(used);
        assertThat(drv.context.keptFolios()).isEqualTo(1);
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
        drv.context.releaseKept(folio);
        assertThat(w.userFolioPages()).isEqualTo(used - 1);
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
    }

    @Test
    void longterm_pin_without_NP_OPS_LONGTERM_PIN_fails_and_the_folio_stays() {
        PrivateWorld w = new PrivateWorld(RecordingDriver.with(NpOps.NP_OPS_MIGRATION));
        long a = w.userPageOnPrivateNode();
        long folio = w.k.mmOps().folioAt(w.task, a);
        int[] err = new int[1];
        assertThat(w.k.gup().pin(w.task, a, 1, Gup.FOLL_LONGTERM | Gup.FOLL_WRITE, err)).isNull();
        assertThat(err[0]).isEqualTo(-Errno.ENOMEM.code());
        assertThat(w.k.mmOps().folioAt(w.task, a)).isEqualTo(folio);
        assertThat(w.k.memmap().nid(folio)).isEqualTo(PrivateWorld.P);

        PrivateWorld ok = new PrivateWorld(RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_LONGTERM_PIN));
        long b = ok.userPageOnPrivateNode();
        long[] pinned = ok.k.gup().pin(ok.task, b, 1, Gup.FOLL_LONGTERM, err);
        assertThat(pinned).isNotNull();
        assertThat(ok.k.memmap().nid(pinned[0])).isEqualTo(PrivateWorld.P);
        ok.k.gup().unpin(pinned);
        assertThat(DebugVm.check(ok.k.mem())).isEmpty();
    }

    @Test
    void write_to_a_write_protected_node_goes_through_handle_fault_and_promotes() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_PROTECT_WRITE);
        PrivateWorld w = new PrivateWorld(drv);
        long a = w.userPageOnPrivateNode();
        assertThat(drv.count("handle_fault")).isZero();
        assertThat(w.k.mmOps().touch(w.task, a, 4096, true)).isZero();
        assertThat(drv.count("handle_fault")).isEqualTo(1);
        assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).as("promoted to the CPU's node").isZero();

        drv.faultAnswer = FaultAction.FAIL;
        long b = w.userPageOnPrivateNode();
        assertThat(w.k.mmOps().touch(w.task, b, 4096, true)).isEqualTo(-Errno.EFAULT.code());
        assertThat(w.k.mmOps().touch(w.task, b, 4096, false)).as("reads still work").isZero();
    }

    @Test
    void munmap_and_exit_tell_the_driver_about_teardown() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION);
        PrivateWorld w = new PrivateWorld(drv);
        w.userPageOnPrivateNode();
        w.k.mmOps().exit(w.task);
        assertThat(drv.calls).contains("teardown 1");
        assertThat(w.k.dispatcher().stats().footprint()).contains(Site.TEARDOWN, Site.FREE, Site.MIGRATE_TARGET);
    }
}
