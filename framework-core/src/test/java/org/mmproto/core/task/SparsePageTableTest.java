package org.mmproto.core.task;

import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.policy.NumaMaps;
import org.mmproto.core.testkit.TestMachines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;


/**
 * Page tables cost what was touched, not what was mapped: mappings of tens of TiB (which a
 * per-page array could not even allocate) map, fault, split, fork, show in numa_maps and exit.
 */
class SparsePageTableTest {
    private static final long TiB = 1L << 40;
    private Kernel k;
    private Task a;
    private MmOps ops;
    private long bootUsed;

    @BeforeEach
    void boot() {
        // vm.overcommit_memory=1: the heuristic would refuse a private writable mapping larger than RAM
        var vm = new org.mmproto.core.machine.VmTunables(-1, 10,
                org.mmproto.core.machine.VmTunables.DEFAULT_LOWMEM_RESERVE_RATIO, true, 0, 1, 50, 0);
        k = Kernel.boot(TestMachines.of("small", TestMachines.slit(1), vm, TestMachines.node(0, 64 * MiB,
                TestMachines.cpus(0))), new OpsStruct());
        k.setThp(TransparentHugepage.Mode.NEVER);
        a = k.spawn("a", 0, 0, 1000, Set.of());
        ops = k.mmOps();
        bootUsed = k.mem().pagesInFolios();
    }

    private long anon(long len) {
        return ops.mmap(a, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "big");
    }

    @Test
    void an_untouched_126_TiB_mapping_allocates_no_page_table_pages() {
        long buf = anon(126 * TiB);
        assertThat(buf).isPositive();
        assertThat(a.mm().pageTablePages()).isZero();
        assertThat(a.mm().rssPages()).isZero();
        assertThat(NumaMaps.render(k.policyServices(), a)).isEqualTo(String.format("%x default%n", buf));
    }

    @Test
    void touching_three_far_apart_pages_of_a_huge_mapping_costs_three_leaf_tables_and_their_upper_levels() {
        long len = 64 * TiB;
        long buf = anon(len);
        long[] at = {buf, buf + len / 2 + 12345 * 4096L, buf + len - 4096};
        for (long p : at) {
            assertThat(ops.touch(a, p, 4096, true)).isZero();
        }
        assertThat(a.mm().pageTablePages()).isEqualTo(3);
        // each page sits under its own pgd slot (512 GiB apart): a pud, a pmd and a pte page each
        assertThat(a.mm().tablePages()).isEqualTo(9);
        assertThat(k.mem().vmstat(VmStat.NR_PAGE_TABLE_PAGES)).isEqualTo(9);
        assertThat(a.mm().rssPages()).isEqualTo(3);
        assertThat(k.mem().pagesInFolios() - bootUsed).isEqualTo(3 + 9);
        assertThat(NumaMaps.render(k.policyServices(), a)).contains("anon=3");
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void munmap_in_the_middle_splits_frees_keeps_tables_the_remaining_vmas_cover_and_fork_and_exit_still_work() {
        long len = 32 * TiB;
        long buf = anon(len);
        long mid = buf + len / 2;
        ops.touch(a, buf, 4096, true);
        ops.touch(a, mid, 4096, true);
        ops.touch(a, buf + len - 4096, 4096, true);
        assertThat(ops.munmap(a, mid - 4096, 3 * 4096)).isZero();
        assertThat(a.mm().vmas()).hasSize(2);
        // free_pgd_range: the emptied leaf of mid stays, the VMA after the hole still covers its span
        assertThat(a.mm().pageTablePages()).isEqualTo(3);
        assertThat(a.mm().tablePages()).isEqualTo(9);
        assertThat(k.mem().pagesInFolios() - bootUsed).isEqualTo(2 + 9);

        Task child = ops.fork(a, "c", 200);
        assertThat(child.mm().rssPages()).isEqualTo(2);
        assertThat(child.mm().tablePages()).as("copy_page_range: tables only where pages are mapped").isEqualTo(6);
        assertThat(ops.touch(child, buf, 4096, true)).isZero(); // CoW copy
        assertThat(k.mem().pagesInFolios() - bootUsed).isEqualTo(3 + 9 + 6);
        ops.exit(child);
        ops.exit(a);
        assertThat(k.mem().pagesInFolios() - bootUsed).isZero();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void a_huge_shared_anonymous_mapping_has_a_sparse_page_cache() {
        long len = 16 * TiB;
        long buf = ops.mmap(a, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_SHARED | MmOps.MAP_ANONYMOUS,
                null, 0, "shm");
        assertThat(buf).isPositive();
        assertThat(ops.touch(a, buf + len - 4096, 4096, true)).isZero();
        // one page-cache folio (the xarray takes no pages) and the pud, pmd and pte tables mapping it
        assertThat(k.mem().pagesInFolios() - bootUsed).isEqualTo(1 + 3);
        ops.exit(a);
        assertThat(k.mem().pagesInFolios() - bootUsed).isZero();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void a_thp_fault_deposits_one_leaf_and_madvise_dontneed_frees_it_with_the_folio() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        long len = 8 * TiB;
        long buf = anon(len);
        assertThat(ops.touch(a, buf + 4 * MiB + 4096, 4096, true)).isZero();
        assertThat(a.mm().rssPages()).isEqualTo(512);
        assertThat(a.mm().pageTablePages()).isEqualTo(1);
        assertThat(k.mem().pagesInFolios() - bootUsed).isEqualTo(512 + 3);
        assertThat(ops.madvise(a, buf, len, MmOps.MADV_DONTNEED)).isZero();
        assertThat(a.mm().rssPages()).isZero();
        // zap_huge_pmd frees the deposited table; the pud and pmd stay until munmap or exit
        assertThat(a.mm().pageTablePages()).isZero();
        assertThat(k.mem().pagesInFolios() - bootUsed).isEqualTo(2);
        ops.exit(a);
        assertThat(k.mem().pagesInFolios() - bootUsed).isZero();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }
}
