package org.mmproto.core.thp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;

/** A THP is mapped by one PMD: one mapping, one reference, entire_mapcount; splits and the deferred-split shrinker. */
class PmdMappingTest {
    private static final long MiB = 1L << 20;
    private Kernel k;
    private Task a;
    private MmOps ops;
    private Memmap mm;

    @BeforeEach
    void boot() {
        k = Kernel.boot(TestMachines.single(64 * MiB), new Unpatched());
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        a = k.spawn("a", 0, 0, 1000, Set.of());
        ops = k.mmOps();
        mm = k.memmap();
    }

    private long thp() {
        long addr = ops.mmap(a, 0, 2 * MiB, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "thp");
        assertThat(addr & (2 * MiB - 1)).isZero();
        assertThat(ops.touch(a, addr, 4096, true)).isZero();
        return addr;
    }

    private long stat(VmStat s) {
        return k.mem().vmstat(s);
    }

    @Test
    void a_thp_fault_maps_one_pmd_with_one_reference_and_a_deposited_table() {
        long addr = thp();
        long head = ops.folioAt(a, addr);
        assertThat(mm.order(head)).isEqualTo(9);
        assertThat(mm.mapcount(head)).isEqualTo(1);
        assertThat(mm.entireMapcount(head)).isEqualTo(1);
        assertThat(mm.refcount(head)).isEqualTo(1);
        assertThat(Pte.isPmd(a.mm().find(addr).pmd(addr))).isTrue();
        // pud + pmd tables and the deposited PTE table (counted in nr_ptes, not in use)
        assertThat(a.mm().tablePages()).isEqualTo(3);
        assertThat(a.mm().pageTablePages()).isEqualTo(1);
        assertThat(stat(VmStat.NR_PAGE_TABLE_PAGES)).isEqualTo(3);
        // every other page of the range is already mapped: touching it faults nothing
        long faults = stat(VmStat.PGFAULT);
        assertThat(ops.touch(a, addr, 2 * MiB, true)).isZero();
        assertThat(stat(VmStat.PGFAULT)).isEqualTo(faults);
        assertThat(a.mm().rssPages()).isEqualTo(512);
        ops.munmap(a, addr, 2 * MiB); // zap_huge_pmd: the folio and its deposited table go
        assertThat(stat(VmStat.THP_SPLIT_PMD)).isZero();
        assertThat(stat(VmStat.NR_PAGE_TABLE_PAGES)).isZero();
        assertThat(mm.isFolioHead(head)).isFalse();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void fork_copies_the_pmd_and_shares_the_folio_and_a_write_splits_the_writers_pmd() {
        long addr = thp();
        long head = ops.folioAt(a, addr);
        Task child = ops.fork(a, "child", 2);
        assertThat(mm.mapcount(head)).isEqualTo(2);
        assertThat(mm.entireMapcount(head)).isEqualTo(2);
        assertThat(mm.refcount(head)).isEqualTo(2);
        assertThat(child.mm().tablePages()).isEqualTo(3); // its own pud, pmd and deposit
        // the child's write: do_huge_pmd_wp_page cannot reuse a shared folio, splits its PMD and copies one page
        long faults = stat(VmStat.PGFAULT);
        assertThat(ops.touch(child, addr, 4096, true)).isZero();
        assertThat(stat(VmStat.PGFAULT)).isEqualTo(faults + 1);
        assertThat(stat(VmStat.THP_SPLIT_PMD)).isEqualTo(1);
        // parent's PMD (1) + child's 511 PTEs
        assertThat(mm.mapcount(head)).isEqualTo(512);
        assertThat(mm.entireMapcount(head)).isEqualTo(1);
        assertThat(mm.refcount(head)).isEqualTo(512);
        // still mapped whole by the parent's PMD: not partly mapped, nothing queued
        assertThat(stat(VmStat.THP_DEFERRED_SPLIT_PAGE)).isZero();
        ops.exit(child);
        assertThat(mm.mapcount(head)).isEqualTo(1);
        assertThat(mm.refcount(head)).isEqualTo(1);
        // the parent is the only mapper again: its write reuses the folio under the PMD
        assertThat(ops.touch(a, addr, 4096, true)).isZero();
        assertThat(Pte.isPmd(a.mm().find(addr).pmd(addr))).isTrue();
        assertThat(a.mm().find(addr).pmd(addr) & Pte.WRITE).isNotZero();
        ops.exit(a);
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void dontneed_of_one_page_splits_the_pmd_and_the_shrinker_frees_that_page() {
        long addr = thp();
        long head = ops.folioAt(a, addr);
        long free = k.mem().totalFreePages() + k.mem().totalPcpPages();
        assertThat(ops.madvise(a, addr + 4096, 4096, MmOps.MADV_DONTNEED)).isZero();
        assertThat(stat(VmStat.THP_SPLIT_PMD)).isEqualTo(1);
        assertThat(stat(VmStat.THP_DEFERRED_SPLIT_PAGE)).isEqualTo(1);
        assertThat(mm.order(head)).isEqualTo(9);
        assertThat(mm.mapcount(head)).isEqualTo(511);
        assertThat(mm.refcount(head)).isEqualTo(511);
        assertThat(k.mem().totalFreePages() + k.mem().totalPcpPages()).isEqualTo(free);
        // at DEF_PRIORITY the shrinker is given (1 >> 12) * 4 / 2 = 0 objects: nothing happens
        assertThat(k.core().shrinkers().shrink(0, 12)).isZero();
        assertThat(k.core().shrinkers().shrink(0, 0)).isEqualTo(1);
        assertThat(stat(VmStat.THP_SPLIT_PAGE)).isEqualTo(1);
        assertThat(mm.order(head)).isZero();
        assertThat(k.mem().totalFreePages() + k.mem().totalPcpPages()).isEqualTo(free + 1);
        assertThat(k.folioRelease().deferredSplit().queued(0)).isZero();
        ops.exit(a);
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }
}
