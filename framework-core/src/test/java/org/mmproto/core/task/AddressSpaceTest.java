package org.mmproto.core.task;

import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.testkit.TestMachines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;


/** mmap/munmap/madvise, faults, fork CoW, memfd sharing and exit. */
class AddressSpaceTest {
    private Kernel k;
    private Task a;
    private MmOps ops;
    private long bootUsed;

    @BeforeEach
    void boot() {
        k = Kernel.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, false), new OpsStruct());
        k.setThp(TransparentHugepage.Mode.NEVER);
        a = k.spawn("a", 0, 0, 1000, Set.of());
        ops = k.mmOps();
        bootUsed = k.mem().pagesInFolios();
    }

    /** Pages in user folios beyond the boot state (the zero page); page-table pages are PageTablePagesTest's. */
    private long used() {
        return k.mem().pagesInFolios() - bootUsed - k.mem().vmstat(org.mmproto.core.stats.VmStat.NR_PAGE_TABLE_PAGES);
    }

    private long anon(Task t, long len) {
        return ops.mmap(t, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "buf");
    }

    @Test
    void read_fault_on_private_anon_maps_the_zero_page_without_allocating() {
        long buf = anon(a, 1 * MiB);
        assertThat(ops.touch(a, buf, 1 * MiB, false)).isZero();
        assertThat(used()).isZero();
        assertThat(Pte.pfn(a.mm().find(buf).pte(buf))).isEqualTo(k.zeroPfn());
        assertThat(ops.touch(a, buf, 1 * MiB, true)).isZero();
        assertThat(used()).isEqualTo(256);
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void exit_frees_every_folio_through_the_batched_path() {
        long buf = anon(a, 2 * MiB);
        ops.touch(a, buf, 2 * MiB, true);
        ops.exit(a);
        assertThat(used()).isZero();
        assertThat(k.folioRelease().freesByPath(FreePath.FOLIOS_PUT)).isEqualTo(512);
        assertThat(a.exited()).isTrue();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void fork_shares_pages_copy_on_write_until_written() {
        long buf = anon(a, 64 * 1024);
        ops.touch(a, buf, 64 * 1024, true);
        Task b = ops.fork(a, "b", 0);
        assertThat(used()).isEqualTo(16);
        long pfn = Pte.pfn(b.mm().find(buf).pte(buf));
        assertThat(k.memmap().mapcount(pfn)).isEqualTo(2);
        ops.touch(b, buf, 4096, true);
        assertThat(used()).as("one page copied").isEqualTo(17);
        assertThat(Pte.pfn(b.mm().find(buf).pte(buf))).isNotEqualTo(pfn);
        // the parent is now the sole owner and reuses its page on write
        ops.touch(a, buf, 4096, true);
        assertThat(used()).isEqualTo(17);
        ops.exit(b);
        ops.exit(a);
        assertThat(used()).isZero();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void memfd_mapped_shared_in_two_tasks_maps_the_same_folios() {
        ShmemFile f = ops.memfdCreate(a, "shm", 1 * MiB);
        Task b = k.spawn("b", 0, 2, 1000, Set.of());
        int shared = MmOps.MAP_SHARED;
        int rw = MmOps.PROT_READ | MmOps.PROT_WRITE;
        long pa = ops.mmap(a, 0, 1 * MiB, rw, shared, f, 0, "m");
        long pb = ops.mmap(b, 0, 1 * MiB, rw, shared, f, 0, "m");
        ops.touch(a, pa, 1 * MiB, true);
        ops.touch(b, pb, 1 * MiB, false);
        assertThat(Pte.pfn(a.mm().find(pa).pte(pa))).isEqualTo(Pte.pfn(b.mm().find(pb).pte(pb)));
        assertThat(used()).isEqualTo(256);
        ops.exit(a);
        assertThat(used()).as("b still maps the file").isEqualTo(256);
        ops.exit(b);
        assertThat(used()).isZero();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void private_memfd_mapping_copies_on_write_and_leaves_the_page_cache_alone() {
        ShmemFile f = ops.memfdCreate(a, "shm", 64 * 1024);
        long p = ops.mmap(a, 0, 64 * 1024, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE, f, 0, "p");
        ops.touch(a, p, 4096, false);
        long cached = f.cachedPfn(0);
        assertThat(Pte.pfn(a.mm().find(p).pte(p))).isEqualTo(cached);
        ops.touch(a, p, 4096, true);
        assertThat(Pte.pfn(a.mm().find(p).pte(p))).isNotEqualTo(cached);
        assertThat(f.cachedPfn(0)).isEqualTo(cached);
        ops.exit(a);
        assertThat(used()).isZero();
    }

    @Test
    void partial_munmap_splits_the_vma_and_frees_only_the_middle() {
        long buf = anon(a, 1 * MiB);
        ops.touch(a, buf, 1 * MiB, true);
        assertThat(ops.munmap(a, buf + 256 * 1024, 256 * 1024)).isZero();
        assertThat(a.mm().vmas()).hasSize(2);
        assertThat(used()).isEqualTo(192);
        assertThat(ops.touch(a, buf + 300 * 1024, 4096, false)).isEqualTo(-Errno.EFAULT.code());
        assertThat(ops.munmap(a, buf + 1, 4096)).isEqualTo(-Errno.EINVAL.code());
    }

    @Test
    void madvise_dontneed_zaps_and_the_next_read_sees_the_zero_page() {
        long buf = anon(a, 64 * 1024);
        ops.touch(a, buf, 64 * 1024, true);
        assertThat(ops.madvise(a, buf, 64 * 1024, MmOps.MADV_DONTNEED)).isZero();
        assertThat(used()).isZero();
        assertThat(ops.madvise(a, buf + 1, 4096, MmOps.MADV_DONTNEED)).isEqualTo(-Errno.EINVAL.code());
        assertThat(ops.madvise(a, buf, 8 * MiB, MmOps.MADV_DONTNEED)).isEqualTo(-Errno.ENOMEM.code());
    }

    @Test
    void thp_fault_allocates_an_order9_folio_for_an_aligned_2MiB_range() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        long buf = anon(a, 4 * MiB);
        ops.touch(a, buf, 4096, true);
        assertThat(used()).isEqualTo(512);
        assertThat(k.mem().vmstat(VmStat.THP_FAULT_ALLOC)).isEqualTo(1);
        ops.madvise(a, buf + 2 * MiB, 2 * MiB, MmOps.MADV_NOHUGEPAGE);
        ops.touch(a, buf + 2 * MiB, 4096, true);
        assertThat(used()).isEqualTo(513);
        ops.exit(a);
        assertThat(used()).isZero();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void write_to_a_read_only_mapping_faults() {
        long ro = ops.mmap(a, 0, 4096, MmOps.PROT_READ, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "ro");
        assertThat(ops.touch(a, ro, 4096, true)).isEqualTo(-Errno.EFAULT.code());
    }

    @Test
    void migration_moves_an_unpinned_folio_and_remaps_it() {
        long buf = anon(a, 4096);
        ops.touch(a, buf, 4096, true);
        long src = Pte.pfn(a.mm().find(buf).pte(buf));
        var r = k.migration().migrate(java.util.List.of(src),
                (s, order) -> k.alloc().allocPages(org.mmproto.api.Gfp.GFP_HIGHUSER_MOVABLE.or(org.mmproto.api.Gfp.__GFP_THISNODE).bits(), order, 1, null, 1),
                org.mmproto.core.migrate.Migration.Mode.MIGRATE_SYNC, org.mmproto.api.MigrateReason.MR_SYSCALL);
        assertThat(r.outcome()).containsExactly(1);
        long dst = Pte.pfn(a.mm().find(buf).pte(buf));
        assertThat(k.memmap().nid(dst)).isEqualTo(1);
        assertThat(k.mem().vmstat(VmStat.PGMIGRATE_SUCCESS)).isEqualTo(1);
        k.memmap().addRefs(dst, 1); // a pin-like extra reference
        var r2 = k.migration().migrate(java.util.List.of(dst), (s, o) -> k.alloc().allocPages(0xcca, o, 0, null, 0),
                org.mmproto.core.migrate.Migration.Mode.MIGRATE_SYNC, org.mmproto.api.MigrateReason.MR_SYSCALL);
        assertThat(r2.outcome()).containsExactly(-Errno.EAGAIN.code());
        k.memmap().addRefs(dst, -1);
        ops.exit(a);
        assertThat(used()).isZero();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }
}
