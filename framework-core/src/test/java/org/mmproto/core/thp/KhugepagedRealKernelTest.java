package org.mmproto.core.thp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.ProcFs;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;

/**
 * What a real 6.12 kernel answered, encoded as tests: {@code ../shared/tools/realkernel/run.sh -a
 * numa_balancing=disable src/test/resources/realkernel/khugepaged_collapse.c} (Debian
 * 6.12.107+deb12-amd64 under TCG, default 3-node topology, 3 Dec 2026). Each range is a 2 MiB
 * aligned mapping with unmapped holes around it; {@code enabled} is never while pages are touched.
 */
class KhugepagedRealKernelTest {
    private static final long MiB = 1L << 20;
    private Kernel k;
    private Task a;
    private MmOps ops;

    @BeforeEach
    void boot() {
        k = Kernel.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, false), new Unpatched());
        k.setThp(TransparentHugepage.Mode.NEVER);
        a = k.spawn("a", 0, 0, 1000, Set.of());
        ops = k.mmOps();
    }

    private long range() {
        return ops.mmap(a, 0, 2 * MiB, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "r");
    }

    private int collapse(long addr, long len) {
        return ops.madvise(a, addr, len, MmOps.MADV_COLLAPSE);
    }

    private long stat(VmStat s) {
        return k.mem().vmstat(s);
    }

    // "defaults: max_ptes_none=511 max_ptes_swap=64 max_ptes_shared=256 pages_to_scan=4096
    //  scan_sleep_millisecs=10000 alloc_sleep_millisecs=60000 defrag=1 pages_collapsed=0 full_scans=0"
    // and "write .../max_ptes_none failed: Invalid argument" for 512
    @Test
    void sysfs_defaults_and_limits() {
        String sysfs = k.khugepaged().sysfs();
        assertThat(sysfs).contains("khugepaged/max_ptes_none:511", "khugepaged/max_ptes_swap:64",
                "khugepaged/max_ptes_shared:256", "khugepaged/pages_to_scan:4096",
                "khugepaged/scan_sleep_millisecs:10000", "khugepaged/alloc_sleep_millisecs:60000",
                "khugepaged/defrag:1", "khugepaged/pages_collapsed:0", "khugepaged/full_scans:0");
        assertThatThrownBy(() -> new KhugepagedTunables(512, 64, 256, 4096, 10_000, 60_000, true))
                .hasMessageContaining("EINVAL");
    }

    // "1 MADV_COLLAPSE touched (enabled=never): rc=0 errno=0 ahp=2048 kB collapse_alloc+1 failed+0
    //  nr_anon_thp=1", "Node 0 AnonHugePages: 2048 kB", "AnonHugePages: 2048 kB";
    // "2 MADV_COLLAPSE again: rc=0 errno=0 collapse_alloc+1" (no second allocation)
    @Test
    void madv_collapse_of_touched_pages_works_with_thp_disabled_and_again_is_a_no_op() {
        long r = range();
        ops.touch(a, r, 2 * MiB, true);
        assertThat(collapse(r, 2 * MiB)).isZero();
        assertThat(stat(VmStat.THP_COLLAPSE_ALLOC)).isEqualTo(1);
        assertThat(stat(VmStat.THP_COLLAPSE_ALLOC_FAILED)).isZero();
        assertThat(stat(VmStat.NR_ANON_TRANSPARENT_HUGEPAGES)).isEqualTo(1);
        assertThat(ProcFs.nodeMeminfo(k.mem(), 0)).contains("Node 0 AnonHugePages:      2048 kB");
        assertThat(collapse(r, 2 * MiB)).isZero();
        assertThat(stat(VmStat.THP_COLLAPSE_ALLOC)).isEqualTo(1);
    }

    // "3 MADV_COLLAPSE untouched: rc=-1 errno=22 ahp=0 collapse_alloc+0"
    // "4 MADV_COLLAPSE one page touched: rc=0 errno=0 ahp=2048 collapse_alloc+1"
    // "5 MADV_COLLAPSE zero-page reads: rc=-1 errno=22 ahp=0 collapse_alloc+0"
    // "6 MADV_COLLAPSE on VM_NOHUGEPAGE: rc=-1 errno=22"
    // "7 MADV_COLLAPSE 1MiB (no whole PMD): rc=0 errno=0 ahp=0"
    @Test
    void madv_collapse_errnos() {
        long untouched = range();
        assertThat(collapse(untouched, 2 * MiB)).isEqualTo(-Errno.EINVAL.code());
        long one = range();
        ops.touch(a, one, 4096, true);
        assertThat(collapse(one, 2 * MiB)).isZero();
        long zero = range();
        ops.touch(a, zero, 2 * MiB, false);
        assertThat(collapse(zero, 2 * MiB)).isEqualTo(-Errno.EINVAL.code());
        long noHuge = range();
        ops.touch(a, noHuge, 2 * MiB, true);
        ops.madvise(a, noHuge, 2 * MiB, MmOps.MADV_NOHUGEPAGE);
        assertThat(collapse(noHuge, 2 * MiB)).isEqualTo(-Errno.EINVAL.code());
        long half = range();
        ops.touch(a, half, 2 * MiB, true);
        assertThat(collapse(half, MiB)).isZero();
        assertThat(a.mm().find(half).pmd(half)).isZero();
        assertThat(stat(VmStat.THP_COLLAPSE_ALLOC)).isEqualTo(1);
    }

    // "8 khugepaged: full ahp=2048 holed ahp=0 pages_collapsed+1 full_scans+93 exceed_none+93
    //  collapse_alloc+1" (max_ptes_none=0, scan_sleep_millisecs=10, enabled=madvise, then
    //  MADV_HUGEPAGE on a full range and on one with its last page untouched; 1.5 s of wakeups)
    @Test
    void khugepaged_with_max_ptes_none_0_collapses_the_full_range_only() {
        long full = range();
        ops.touch(a, full, 2 * MiB, true);
        long holed = range();
        ops.touch(a, holed, 2 * MiB - 4096, true);
        KhugepagedTunables d = KhugepagedTunables.DEFAULTS;
        Khugepaged kh = k.khugepaged();
        kh.setTunables(new KhugepagedTunables(0, d.maxPtesSwap(), d.maxPtesShared(), d.pagesToScan(), 10,
                d.allocSleepMillisecs(), true));
        k.setThp(TransparentHugepage.Mode.MADVISE);
        ops.madvise(a, full, 2 * MiB, MmOps.MADV_HUGEPAGE);
        ops.madvise(a, holed, 2 * MiB, MmOps.MADV_HUGEPAGE);
        int wakeups = kh.tick(1500);
        assertThat(wakeups).isEqualTo(150);
        assertThat(kh.pagesCollapsed()).isEqualTo(1);
        assertThat(a.mm().find(full).pmd(full)).isNotZero();
        assertThat(a.mm().find(holed).pmd(holed)).isZero();
        assertThat(stat(VmStat.THP_COLLAPSE_ALLOC)).isEqualTo(1);
        // one full scan and one exceeded range per wakeup (the real guest managed 93 in 1.5 s of TCG time)
        assertThat(kh.fullScans()).isEqualTo(wakeups);
        assertThat(stat(VmStat.THP_SCAN_EXCEED_NONE_PTE)).isEqualTo(wakeups);
    }
}
