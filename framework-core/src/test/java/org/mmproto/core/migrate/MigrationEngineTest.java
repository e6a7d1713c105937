package org.mmproto.core.migrate;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Pte;
import org.mmproto.core.testkit.OneTaskKernel;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The migrate_pages() engine, one failure cause at a time: what each cause returns, how often
 * the kernel's passes retry it, and what it counts (pgmigrate_*, thp_migration_*, per reason).
 * Node 0 and 1 are 64 MiB DRAM; task a faults its pages on node 0 and they are moved to node 1.
 */
class MigrationEngineTest extends OneTaskKernel {

    int targetAllocs;


    /** Write-faults {@code pages} pages and returns their folio heads. */
    List<Long> folios(long bytes) {
        long buf = ops.mmap(a, 0, bytes, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "buf");
        assertThat(ops.touch(a, buf, bytes, true)).isZero();
        List<Long> heads = new ArrayList<>();
        for (long p = buf; p < buf + bytes; p += 4096) {
            long h = ops.folioAt(a, p);
            if (!heads.contains(h)) {
                heads.add(h);
            }
        }
        return heads;
    }

    Migration.TargetAlloc toNode1() {
        return (src, order) -> {
            targetAllocs++;
            int gfp = Gfp.GFP_HIGHUSER_MOVABLE.bits() | Gfp.Bits.THISNODE | (order > 0 ? Gfp.Bits.COMP : 0);
            return k.alloc().allocPages(gfp, order, 1, null, 0);
        };
    }

    Migration.Result migrate(List<Long> folios, Migration.TargetAlloc t, Migration.Mode mode, MigrateReason reason) {
        return k.migration().migrate(folios, 1, t, mode, reason);
    }

    long vm(VmStat v) {
        return k.mem().vmstat(v);
    }

    @Test
    void an_unreferenced_folio_moves_and_is_counted_for_its_reason() {
        List<Long> f = folios(3 * 4096);
        var r = migrate(f, toNode1(), Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        assertThat(r.outcome()).containsExactly(1, 1, 1);
        assertThat(r.causes()).containsOnly(FailureCause.MIGRATED);
        assertThat(r.ret()).isZero();
        assertThat(vm(VmStat.PGMIGRATE_SUCCESS)).isEqualTo(3);
        assertThat(vm(VmStat.PGMIGRATE_FAIL)).isZero();
        assertThat(k.migration().reasonCounts().succeeded(MigrateReason.MR_SYSCALL)).isEqualTo(3);
        assertThat(k.migration().reasonCounts().succeeded(MigrateReason.MR_COMPACTION)).isZero();
        assertThat(k.memmap().nid(ops.folioAt(a, a.mm().vmas().get(0).start()))).isEqualTo(1);
    }

    @Test
    void a_pinned_folio_fails_with_eagain_after_ten_passes_in_either_mode() {
        for (Migration.Mode mode : new Migration.Mode[] {Migration.Mode.MIGRATE_SYNC, Migration.Mode.MIGRATE_ASYNC}) {
            long h = folios(4096).get(0);
            k.memmap().addRefs(h, Memmap.GUP_PIN_COUNTING_BIAS);
            targetAllocs = 0;
            long fail = vm(VmStat.PGMIGRATE_FAIL);
            var r = migrate(List.of(h), toNode1(), mode, MigrateReason.MR_COMPACTION);
            assertThat(r.outcome()).as(mode.name()).containsExactly(-Errno.EAGAIN.code());
            assertThat(r.causes()).containsExactly(FailureCause.PINNED);
            assertThat(r.unmapAttempts()).as("NR_MAX_MIGRATE_PAGES_RETRY").containsExactly(10);
            assertThat(targetAllocs).as("the target is allocated before the unmap finds the pin").isEqualTo(10);
            assertThat(r.ret()).isEqualTo(1);
            assertThat(vm(VmStat.PGMIGRATE_FAIL) - fail).as("failed once, not once per pass").isEqualTo(1);
            k.memmap().addRefs(h, -Memmap.GUP_PIN_COUNTING_BIAS);
        }
        assertThat(vm(VmStat.PGMIGRATE_SUCCESS)).isZero();
        assertThat(k.migration().reasonCounts().failed(MigrateReason.MR_COMPACTION)).isEqualTo(2);
        assertThat(k.memmap().maybeDmaPinned(folios(4096).get(0))).isFalse();
    }

    @Test
    void an_extra_reference_fails_in_the_move_step_keeping_its_target_across_passes() {
        long h = folios(4096).get(0);
        k.memmap().addRefs(h, 1); // a FOLL_GET-like reference: not a pin, the unmap succeeds
        assertThat(k.memmap().maybeDmaPinned(h)).isFalse();
        var r = migrate(List.of(h), toNode1(), Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        assertThat(r.outcome()).containsExactly(-Errno.EAGAIN.code());
        assertThat(r.causes()).containsExactly(FailureCause.EXTRA_REFS);
        // one unmap in the ASYNC round (3 move passes), one in the SYNC round (7 move passes)
        assertThat(r.unmapAttempts()).containsExactly(2);
        assertThat(targetAllocs).isEqualTo(2);
        assertThat(vm(VmStat.PGMIGRATE_FAIL)).isEqualTo(1);
        k.memmap().addRefs(h, -1);
    }

    @Test
    void a_permanent_failure_is_not_retried_by_the_passes() {
        long zero = k.zeroPfn();
        var sync = migrate(List.of(zero), toNode1(), Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        assertThat(sync.outcome()).containsExactly(-Errno.EBUSY.code());
        assertThat(sync.causes()).containsExactly(FailureCause.NOT_ISOLATED);
        // migrate_pages_sync retries the ASYNC round's failures once each, permanent ones included
        assertThat(sync.unmapAttempts()).containsExactly(2);
        var async = migrate(List.of(zero), toNode1(), Migration.Mode.MIGRATE_ASYNC, MigrateReason.MR_SYSCALL);
        assertThat(async.unmapAttempts()).containsExactly(1);
        assertThat(async.ret()).isEqualTo(1);
        assertThat(targetAllocs).isZero();
    }

    @Test
    void a_failed_target_allocation_stops_the_call_with_enomem() {
        List<Long> f = folios(4 * 4096);
        int[] n = {0};
        Migration.TargetAlloc secondFails = (src, order) -> ++n[0] == 2 ? -Errno.ENOMEM.code() : toNode1().alloc(src, order);
        var r = migrate(f, secondFails, Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        assertThat(r.ret()).isEqualTo(-Errno.ENOMEM.code());
        assertThat(r.outcome()).containsExactly(1, -Errno.ENOMEM.code(), Migration.NOT_ATTEMPTED, Migration.NOT_ATTEMPTED);
        assertThat(r.causes()).containsExactly(FailureCause.MIGRATED, FailureCause.TARGET_ALLOC,
                FailureCause.NOT_ATTEMPTED, FailureCause.NOT_ATTEMPTED);
        assertThat(n[0]).as("no allocation after the failed one").isEqualTo(2);
        assertThat(vm(VmStat.PGMIGRATE_SUCCESS)).isEqualTo(1);
        assertThat(vm(VmStat.PGMIGRATE_FAIL)).isEqualTo(1);
        assertThat(k.migration().reasonCounts().failed(MigrateReason.MR_SYSCALL)).isEqualTo(1);
    }

    @Test
    void a_thp_moves_whole_and_counts_thp_migration_success() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        List<Long> f = folios(2 * MiB);
        assertThat(f).hasSize(1);
        assertThat(k.memmap().order(f.get(0))).isEqualTo(9);
        var r = migrate(f, toNode1(), Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        assertThat(r.outcome()).containsExactly(1);
        assertThat(vm(VmStat.PGMIGRATE_SUCCESS)).isEqualTo(512);
        assertThat(vm(VmStat.THP_MIGRATION_SUCCESS)).isEqualTo(1);
        assertThat(vm(VmStat.THP_MIGRATION_SPLIT)).isZero();
    }

    @Test
    void a_thp_without_a_huge_target_is_split_and_its_pieces_move() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        List<Long> f = folios(2 * MiB);
        Migration.TargetAlloc noHuge = (src, order) -> order > 0 ? -Errno.ENOMEM.code() : toNode1().alloc(src, order);
        var r = migrate(f, noHuge, Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_MEMPOLICY_MBIND);
        assertThat(r.ret()).as("every piece moved: migrate_pages returns 0").isZero();
        assertThat(r.outcome()).containsExactly(1);
        assertThat(vm(VmStat.THP_MIGRATION_SPLIT)).isEqualTo(1);
        assertThat(vm(VmStat.THP_MIGRATION_FAIL)).isEqualTo(1);
        assertThat(vm(VmStat.THP_SPLIT_PAGE)).isEqualTo(1);
        assertThat(vm(VmStat.PGMIGRATE_SUCCESS)).isEqualTo(512);
        assertThat(vm(VmStat.PGMIGRATE_FAIL)).isZero();
        assertThat(k.migration().reasonCounts().succeeded(MigrateReason.MR_MEMPOLICY_MBIND)).isEqualTo(512);
    }

    @Test
    void numa_misplaced_never_splits_a_thp() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        List<Long> f = folios(2 * MiB);
        Migration.TargetAlloc noHuge = (src, order) -> order > 0 ? -Errno.ENOMEM.code() : toNode1().alloc(src, order);
        var r = migrate(f, noHuge, Migration.Mode.MIGRATE_ASYNC, MigrateReason.MR_NUMA_MISPLACED);
        assertThat(r.ret()).isEqualTo(-Errno.ENOMEM.code());
        assertThat(r.causes()).containsExactly(FailureCause.TARGET_ALLOC);
        assertThat(vm(VmStat.THP_MIGRATION_SPLIT)).isZero();
        assertThat(vm(VmStat.THP_MIGRATION_FAIL)).isEqualTo(1);
        assertThat(vm(VmStat.PGMIGRATE_FAIL)).isEqualTo(512);
        assertThat(k.memmap().order(f.get(0))).isEqualTo(9);
    }

    @Test
    void a_pinned_thp_that_cannot_split_fails_the_call_with_enomem() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        long h = folios(2 * MiB).get(0);
        k.memmap().addRefs(h, Memmap.GUP_PIN_COUNTING_BIAS);
        Migration.TargetAlloc noHuge = (src, order) -> order > 0 ? -Errno.ENOMEM.code() : toNode1().alloc(src, order);
        var r = migrate(List.of(h), noHuge, Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        assertThat(r.ret()).isEqualTo(-Errno.ENOMEM.code());
        assertThat(vm(VmStat.THP_MIGRATION_SPLIT)).isZero();
        assertThat(k.memmap().order(h)).isEqualTo(9);
        k.memmap().addRefs(h, -Memmap.GUP_PIN_COUNTING_BIAS);
    }

    @Test
    void the_pte_points_at_the_copy() {
        long h = folios(4096).get(0);
        migrate(List.of(h), toNode1(), Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        long pte = a.mm().vmas().get(0).pte(a.mm().vmas().get(0).start());
        assertThat(k.memmap().nid(Pte.pfn(pte))).isEqualTo(1);
        assertThat(Pte.pfn(pte)).isNotEqualTo(h);
    }
}
