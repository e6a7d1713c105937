package org.mmproto.core.thp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.design.Design;
import org.mmproto.api.design.UserAllocation;
import org.mmproto.api.driver.DeviceStore;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.DriverSpec;
import org.mmproto.core.hooks.designs.BuddyVeto;
import org.mmproto.core.hooks.designs.FallbackOnly;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;

/** khugepaged and MADV_COLLAPSE: the target node, the limits, a refused allocation, the device and the ledger. */
class CollapserTest {
    private static final long MiB = 1L << 20;
    private static final int P = 2;

    /** Allows everything but order-9 allocations (a THP for a collapse), and counts what reaches the device. */
    public static final class RefusesThps implements PrivateNodeDriver {
        final List<DeviceStore> stores = new ArrayList<>();
        boolean refuse = true;
        final EnumSet<NpOps> ops;

        RefusesThps(EnumSet<NpOps> ops) {
            this.ops = ops;
        }

        @Override
        public NodeOptIns bind(NodeBinding binding, DriverContext context) {
            return new NodeOptIns(ops);
        }

        @Override
        public Verdict allocVeto(AllocRequest r) {
            return refuse && r.order() == 9 ? Verdict.deny(Errno.ENOMEM, "no 2 MiB for you") : Verdict.ALLOW;
        }

        @Override
        public void deviceStore(DeviceStore s) {
            stores.add(s);
        }

        @Override
        public org.mmproto.api.driver.Decisions.MigrateTo migrateTo(org.mmproto.api.driver.Requests.MigrationRequest r) {
            return org.mmproto.api.driver.Decisions.MigrateTo.ACCEPT;
        }

        @Override
        public void folioMigrate(org.mmproto.api.driver.FolioRef src, org.mmproto.api.driver.FolioRef dst) {
        }
    }

    private Kernel k;
    private Task a;

    private void boot(Design design, PrivateNodeDriver driver, boolean privateNode) {
        List<DriverSpec> specs = driver == null ? List.of()
                : List.of(new DriverSpec("test-driver", () -> driver, P, Map.of(), "test", 1));
        k = Kernel.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, privateNode), design, specs, Duration.ZERO);
        k.setThp(TransparentHugepage.Mode.NEVER);
        a = k.spawn("a", 0, 0, 1000, Set.of());
    }

    /** A 2 MiB-aligned anonymous range with {@code touched} of its pages written (small pages). */
    private long range(int touched) {
        long addr = k.mmOps().mmap(a, 0, 2 * MiB, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "r");
        assertThat(addr & (2 * MiB - 1)).isZero();
        assertThat(k.mmOps().touch(a, addr, touched * 4096L, true)).isZero();
        return addr;
    }

    /** Moves pages [from, from + n) of the range to node {@code nid} with the migration engine (MR_SYSCALL). */
    private void move(long addr, int from, int n, int nid) {
        List<Long> folios = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            folios.add(k.mmOps().folioAt(a, addr + i * 4096L));
        }
        Migration.Result r = k.migration().migrate(folios, nid, (s, order) -> {
            Gfp gfp = Gfp.GFP_HIGHUSER_MOVABLE.or(Gfp.__GFP_THISNODE);
            if (k.dispatcher().isPrivate(nid)) {
                var ctx = k.dispatcher().userAllocation(new UserAllocation(nid, gfp, order, Site.MIGRATE_TARGET,
                        MigrateReason.MR_SYSCALL, null, false, false, 0, a.ref()));
                k.alloc().prepare(ctx.zonelist(), true, 1L << nid, MigrateReason.MR_SYSCALL);
                gfp = ctx.gfp();
            }
            return k.alloc().allocPages(gfp.bits(), order, nid, null, 0);
        }, Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        assertThat(r.nrSucceeded()).isEqualTo(n);
    }

    private int collapse(long addr) {
        return k.mmOps().madvise(a, addr, 2 * MiB, MmOps.MADV_COLLAPSE);
    }

    private long stat(VmStat s) {
        return k.mem().vmstat(s);
    }

    private long[] entries(long addr) {
        long[] e = new long[512];
        for (int i = 0; i < 512; i++) {
            e[i] = a.mm().find(addr).pte(addr + i * 4096L);
        }
        return e;
    }

    @Test
    void the_thp_goes_to_the_node_holding_most_of_the_pages() {
        boot(new Unpatched(), null, false);
        long addr = range(512);
        move(addr, 0, 300, 1);
        assertThat(collapse(addr)).isZero();
        long head = k.mmOps().folioAt(a, addr);
        assertThat(k.memmap().order(head)).isEqualTo(9);
        assertThat(k.memmap().nid(head)).isEqualTo(1); // 300 of 512 pages were there
        assertThat(k.memmap().mapcount(head)).isEqualTo(1);
        assertThat(k.memmap().entireMapcount(head)).isEqualTo(1);
        assertThat(k.memmap().refcount(head)).isEqualTo(1);
        assertThat(Pte.isPmd(a.mm().find(addr).pmd(addr))).isTrue();
        assertThat(k.mem().node(1).vmstat(VmStat.NR_ANON_TRANSPARENT_HUGEPAGES)).isEqualTo(1);
        assertThat(stat(VmStat.THP_COLLAPSE_ALLOC)).isEqualTo(1);
        assertThat(a.mm().rssPages()).isEqualTo(512);
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void a_tie_goes_to_the_lowest_node() {
        boot(new Unpatched(), null, false);
        long addr = range(512);
        move(addr, 0, 256, 1);
        assertThat(collapse(addr)).isZero();
        assertThat(k.memmap().nid(k.mmOps().folioAt(a, addr))).isZero();
    }

    @Test
    void khugepaged_leaves_a_range_with_more_empty_ptes_than_max_ptes_none_and_madv_collapse_ignores_the_limit() {
        boot(new Unpatched(), null, false);
        long addr = range(511);
        k.setThp(TransparentHugepage.Mode.MADVISE);
        assertThat(k.mmOps().madvise(a, addr, 2 * MiB, MmOps.MADV_HUGEPAGE)).isZero();
        Khugepaged kh = k.khugepaged();
        KhugepagedTunables d = KhugepagedTunables.DEFAULTS;
        kh.setTunables(new KhugepagedTunables(0, d.maxPtesSwap(), d.maxPtesShared(), d.pagesToScan(),
                d.scanSleepMillisecs(), d.allocSleepMillisecs(), true));
        long free = k.mem().totalFreePages();
        long[] before = entries(addr);
        Khugepaged.Pass pass = kh.scan();
        assertThat(pass.collapsed()).isZero();
        assertThat(kh.results()).containsEntry(ScanResult.SCAN_EXCEED_NONE_PTE, 1L);
        assertThat(stat(VmStat.THP_SCAN_EXCEED_NONE_PTE)).isEqualTo(1);
        assertThat(stat(VmStat.THP_COLLAPSE_ALLOC)).isZero();
        assertThat(entries(addr)).isEqualTo(before);
        assertThat(k.mem().totalFreePages()).isEqualTo(free);
        assertThat(kh.fullScans()).isEqualTo(1);
        // one empty PTE is allowed with max_ptes_none 1: the next wakeup collapses
        kh.setTunables(new KhugepagedTunables(1, d.maxPtesSwap(), d.maxPtesShared(), d.pagesToScan(),
                d.scanSleepMillisecs(), d.allocSleepMillisecs(), true));
        assertThat(kh.tick(d.scanSleepMillisecs())).isEqualTo(1);
        assertThat(kh.pagesCollapsed()).isEqualTo(1);
        assertThat(a.mm().rssPages()).isEqualTo(512); // the hole is a zeroed page of the THP now
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void madv_collapse_ignores_max_ptes_none() {
        boot(new Unpatched(), null, false);
        long addr = range(1);
        assertThat(collapse(addr)).isZero(); // a real 6.12 kernel does too (KhugepagedRealKernelTest)
        assertThat(Pte.isPmd(a.mm().find(addr).pmd(addr))).isTrue();
    }

    @Test
    void a_refused_thp_leaves_the_small_pages_mapped_and_unchanged() {
        RefusesThps driver = new RefusesThps(EnumSet.of(NpOps.NP_OPS_MIGRATION));
        boot(new BuddyVeto(), driver, true);
        long addr = range(512);
        move(addr, 0, 512, P);
        // the buddy has free 2 MiB blocks on the node: only the driver says no
        assertThat(k.mem().node(P).zones().stream().mapToLong(z -> z.nrFree(9) + z.nrFree(10)).sum()).isPositive();
        long[] before = entries(addr);
        long used = k.mem().pagesInFolios();
        long freed = stat(VmStat.PGFREE);
        int storesBefore = driver.stores.size();
        assertThat(collapse(addr)).isEqualTo(-Errno.ENOMEM.code());
        assertThat(stat(VmStat.THP_COLLAPSE_ALLOC_FAILED)).isEqualTo(1);
        assertThat(stat(VmStat.THP_COLLAPSE_ALLOC)).isZero();
        assertThat(entries(addr)).isEqualTo(before);
        for (long e : before) {
            long pfn = Pte.pfn(e);
            assertThat(k.memmap().nid(pfn)).isEqualTo(P);
            assertThat(k.memmap().mapcount(pfn)).isEqualTo(1);
            assertThat(k.memmap().refcount(pfn)).isEqualTo(1);
        }
        assertThat(k.mem().pagesInFolios()).isEqualTo(used);
        assertThat(stat(VmStat.PGFREE)).isEqualTo(freed);
        assertThat(stat(VmStat.NR_ANON_TRANSPARENT_HUGEPAGES)).isZero();
        assertThat(driver.stores).hasSize(storesBefore); // nothing was copied
        assertThat(k.dispatcher().ledger().breaches()).isEmpty();
        assertThat(DebugVm.check(k.mem())).isEmpty();
        // the driver relents: the same range collapses on the node, and the copy reaches the device
        driver.refuse = false;
        assertThat(collapse(addr)).isZero();
        long head = k.mmOps().folioAt(a, addr);
        assertThat(k.memmap().nid(head)).isEqualTo(P);
        DeviceStore copy = driver.stores.get(driver.stores.size() - 1);
        assertThat(copy.kind()).isEqualTo(DeviceStore.Kind.MIGRATION_COPY);
        assertThat(copy.pages()).isEqualTo(512);
        assertThat(k.mem().pagesInFolios()).isEqualTo(used); // 512 small pages became one 512-page folio
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void ops_struct_skips_private_folios_like_zone_device() {
        RefusesThps driver = new RefusesThps(EnumSet.of(NpOps.NP_OPS_MIGRATION));
        driver.refuse = false;
        boot(new OpsStruct(), driver, true);
        long addr = range(512);
        move(addr, 0, 512, P);
        assertThat(collapse(addr)).isEqualTo(-Errno.EINVAL.code()); // SCAN_PAGE_NULL
        assertThat(stat(VmStat.THP_COLLAPSE_ALLOC) + stat(VmStat.THP_COLLAPSE_ALLOC_FAILED)).isZero();
    }

    @Test
    void pages_taken_off_a_private_node_that_did_not_opt_into_migration_are_an_escape() {
        RefusesThps driver = new RefusesThps(EnumSet.noneOf(NpOps.class));
        driver.refuse = false;
        boot(new FallbackOnly(), driver, true);
        long addr = range(512);
        move(addr, 0, 256, P); // a tie: the THP goes to node 0
        assertThat(collapse(addr)).isZero();
        assertThat(k.memmap().nid(k.mmOps().folioAt(a, addr))).isZero();
        assertThat(k.dispatcher().ledger().count("escape")).isEqualTo(1);
    }

    @Test
    void madv_collapse_errnos_follow_madvise_collapse_errno() {
        assertThat(ScanResult.SCAN_ALLOC_HUGE_PAGE_FAIL.madviseErrno()).isEqualTo(Errno.ENOMEM);
        assertThat(ScanResult.SCAN_PAGE_COUNT.madviseErrno()).isEqualTo(Errno.EAGAIN);
        assertThat(ScanResult.SCAN_EXCEED_NONE_PTE.madviseErrno()).isEqualTo(Errno.EBUSY);
        assertThat(ScanResult.SCAN_PAGE_RO.madviseErrno()).isEqualTo(Errno.EINVAL);
        assertThat(ScanResult.SCAN_PMD_NONE.madviseErrno()).isEqualTo(Errno.EINVAL);
    }

    @Test
    void a_pinned_page_is_eagain_before_any_thp_is_allocated() {
        boot(new Unpatched(), null, false);
        long addr = range(512);
        long[] pinned = k.gup().pin(a, addr, 1, org.mmproto.core.gup.Gup.FOLL_LONGTERM | org.mmproto.core.gup.Gup.FOLL_WRITE,
                new int[1]);
        assertThat(pinned).hasSize(1);
        assertThat(collapse(addr)).isEqualTo(-Errno.EAGAIN.code());
        assertThat(stat(VmStat.THP_COLLAPSE_ALLOC)).isZero();
    }
}
