package org.mmproto.core.task;

import org.mmproto.core.kernel.Kernel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.ProcFs;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.testkit.TestMachines;

/** Page-table pages: allocated from the buddy as faults need them, counted, freed by the kernel's rules. */
class PageTablePagesTest {
    private Kernel k;
    private Task a;
    private MmOps ops;

    @BeforeEach
    void boot() {
        k = Kernel.boot(TestMachines.single(64 * MiB), new Unpatched());
        k.setThp(TransparentHugepage.Mode.NEVER);
        a = k.spawn("a", 0, 0, 1000, Set.of());
        ops = k.mmOps();
    }

    private long anon(long len) {
        return ops.mmap(a, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "b");
    }

    private long tables() {
        return k.mem().vmstat(VmStat.NR_PAGE_TABLE_PAGES);
    }

    private long pgalloc() {
        return k.mem().vmstat(VmStat.PGALLOC_DMA32) + k.mem().vmstat(VmStat.PGALLOC_NORMAL);
    }

    @Test
    void the_first_fault_allocates_pud_pmd_and_pte_pages_marked_pg_table_and_counted_everywhere() {
        long buf = anon(4 * MiB);
        long before = pgalloc();
        assertThat(ops.touch(a, buf, 4096, false)).isZero(); // even the zero page needs a PTE table
        assertThat(tables()).isEqualTo(3);
        assertThat(pgalloc() - before).isEqualTo(3);
        assertThat(a.mm().tablePages()).isEqualTo(3);
        assertThat(ops.touch(a, buf + 2 * MiB, 4096, true)).isZero();
        assertThat(tables()).as("a second PTE table, the upper levels are shared").isEqualTo(4);
        assertThat(ProcFs.meminfo(k.mem(), k.swap(), 0, 0)).contains(String.format("PageTables:     %8d kB", 16));
        assertThat(ProcFs.nodeMeminfo(k.mem(), 0)).contains(String.format("Node 0 PageTables:     %8d kB", 16));
        assertThat(ProcFs.vmstat(k.mem())).contains("nr_page_table_pages 4\n");
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void madvise_dontneed_keeps_the_tables_munmap_frees_those_no_vma_covers_and_exit_frees_all() {
        long buf = anon(4 * MiB);
        long other = anon(64 * 1024); // below buf, in another 2 MiB span, the same pmd table
        ops.touch(a, buf, 4 * MiB, true);
        ops.touch(a, other, 4096, true);
        assertThat(tables()).isEqualTo(5);
        ops.madvise(a, buf, 4 * MiB, MmOps.MADV_DONTNEED);
        assertThat(tables()).as("zap_page_range frees no table").isEqualTo(5);
        long freed = k.mem().vmstat(VmStat.PGFREE);
        assertThat(ops.munmap(a, buf, 4 * MiB)).isZero();
        assertThat(tables()).as("buf's two PTE tables; the pud and pmd still cover other").isEqualTo(3);
        assertThat(k.mem().vmstat(VmStat.PGFREE) - freed).isEqualTo(2);
        ops.exit(a);
        assertThat(tables()).isZero();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void a_thp_deposits_one_pte_table_freed_when_the_whole_pmd_is_zapped() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        long buf = anon(4 * MiB);
        ops.touch(a, buf, 4096, true);
        assertThat(k.mem().vmstat(VmStat.THP_FAULT_ALLOC)).isEqualTo(1);
        assertThat(tables()).as("pud, pmd and the deposited PTE table").isEqualTo(3);
        ops.madvise(a, buf, 2 * MiB, MmOps.MADV_DONTNEED);
        assertThat(tables()).as("zap_deposited_table").isEqualTo(2);
        ops.touch(a, buf, 4096, true);
        ops.madvise(a, buf, 4096, MmOps.MADV_DONTNEED); // a partial zap splits: the table stays a PTE table
        assertThat(tables()).isEqualTo(3);
        ops.madvise(a, buf, 2 * MiB, MmOps.MADV_DONTNEED);
        assertThat(tables()).as("no longer PMD-mapped: the table waits for munmap").isEqualTo(3);
        ops.exit(a);
        assertThat(tables()).isZero();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    /** Takes every free page as GFP_KERNEL order-0 allocations; returns them. */
    private List<Long> exhaust() {
        List<Long> held = new ArrayList<>();
        for (long p; (p = k.alloc().allocPages(Gfp.GFP_KERNEL.bits() | Gfp.Bits.NOWARN | Gfp.Bits.NORETRY, 0, 0, null, 0)) >= 0; ) {
            held.add(p);
        }
        return held;
    }

    @Test
    void a_fault_whose_table_cannot_be_allocated_is_enomem_and_allocates_no_folio() {
        long buf = anon(4 * MiB);
        List<Long> held = exhaust();
        long before = pgalloc();
        assertThat(ops.touch(a, buf, 4096, true)).isEqualTo(-Errno.ENOMEM.code());
        assertThat(pgalloc()).as("the tables come before the folio").isEqualTo(before);
        assertThat(a.mm().rssPages()).isZero();
        held.forEach(p -> k.alloc().freePages(p, 0));
        assertThat(ops.touch(a, buf, 4096, true)).isZero();
        ops.exit(a);
        assertThat(tables()).isZero();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void a_fork_whose_child_tables_cannot_be_allocated_is_enomem_and_leaves_nothing_behind() {
        long buf = anon(4 * MiB);
        ops.touch(a, buf, 4 * MiB, true);
        int tasks = k.tasks().size();
        long used = k.mem().pagesInFolios();
        List<Long> held = exhaust();
        assertThat(ops.fork(a, "c", 0)).isNull();
        assertThat(k.tasks()).hasSize(tasks);
        held.forEach(p -> k.alloc().freePages(p, 0));
        assertThat(k.mem().pagesInFolios()).isEqualTo(used);
        assertThat(k.memmap().mapcount(ops.folioAt(a, buf))).as("the child's mappings were undone").isEqualTo(1);
        assertThat(k.overcommit().committedPages()).isEqualTo(1024);
        ops.exit(a);
        assertThat(tables()).isZero();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void a_page_freed_as_a_table_that_is_not_one_is_refused() {
        long p = k.alloc().allocPages(Gfp.GFP_KERNEL.bits(), 0, 0, null, 0);
        PageTablePages pt = new PageTablePages((t, gfp, order) -> -12, k.alloc(), k.memmap(), k.mem());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pt.free(p)).isInstanceOf(IllegalStateException.class);
        assertThat(k.memmap().flags(p) & Memmap.PG_TABLE).isZero();
    }
}
