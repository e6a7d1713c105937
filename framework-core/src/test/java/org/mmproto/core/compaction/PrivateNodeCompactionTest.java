package org.mmproto.core.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.api.design.Design;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.Requests.CompactionRequest;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.designs.GfpFlag;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;

/** Compaction of private node 2 asks the design once (Site.COMPACTION) and honours its answer. */
class PrivateNodeCompactionTest {
    static final long MiB = TestMachines.MiB;
    static final int P = 2;

    /** Unpatched, except compaction of the private node is refused. */
    static final class Refusing extends Unpatched {
        @Override
        public Verdict compaction(CompactionRequest request, DriverAccess driver) {
            return Verdict.deny(Errno.EINVAL, "test: no compaction here");
        }
    }

    Kernel fragmentedPrivateNode(Design d) {
        return fragmentedPrivateNode(d, null);
    }

    Kernel fragmentedPrivateNode(Design d, org.mmproto.api.driver.PrivateNodeDriver driver) {
        var specs = driver == null ? java.util.List.<org.mmproto.core.hooks.DriverSpec>of()
                : java.util.List.of(new org.mmproto.core.hooks.DriverSpec("test-driver", () -> driver, P,
                        java.util.Map.of(), "test", 1));
        Kernel k = Kernel.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, true), d, specs, java.time.Duration.ZERO);
        k.setThp(TransparentHugepage.Mode.NEVER);
        Task t = k.spawn("t", 0, 0, 1000, Set.of());
        MmOps ops = k.mmOps();
        long len = 48 * MiB;
        long buf = ops.mmap(t, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "p");
        assertThat(k.numa().mbind(t, buf, len, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), 64, 0)).isZero();
        assertThat(ops.touch(t, buf, len, true)).isZero();
        for (long p = buf; p < buf + len; p += 2 * 4096) {
            ops.munmap(t, p + 4096, 4096);
        }
        k.alloc().drainAllPages();
        return k;
    }

    static long orderNineFree(Kernel k) {
        long n = 0;
        for (Zone z : k.mem().node(P).zones()) {
            for (int o = Zone.PAGEBLOCK_ORDER; o < Zone.NR_PAGE_ORDERS; o++) {
                n += z.nrFree(o);
            }
        }
        return n;
    }

    @Test
    void an_allowing_design_lets_the_node_compact_inside_itself() {
        Kernel k = fragmentedPrivateNode(new Unpatched());
        long before = orderNineFree(k);
        var r = k.compaction().compactNode(P);
        assertThat(r.ret()).isZero();
        assertThat(r.stats().migrated()).isPositive();
        assertThat(orderNineFree(k)).isGreaterThan(before);
        // the compact_node gate, then each free-scanner pass: the targets are the node's own pages
        assertThat(k.dispatcher().stats().consulted(Site.COMPACTION)).isGreaterThan(1);
        // the moves stayed on the node: nothing asked at the migration sites
        assertThat(k.dispatcher().stats().consulted(Site.MIGRATE_TARGET)).isZero();
        assertThat(k.dispatcher().stats().consulted(Site.MIGRATE_SOURCE)).isZero();
        assertThat(k.mem().node(P).vmstat(VmStat.COMPACT_ISOLATED)).isPositive();
    }

    @Test
    void a_refusing_design_leaves_the_node_uncompacted_and_is_asked_once() {
        Kernel k = fragmentedPrivateNode(new Refusing());
        long before = orderNineFree(k);
        var r = k.compaction().compactNode(P);
        assertThat(r.ret()).isEqualTo(-Errno.EINVAL.code());
        assertThat(r.stats().migrateScanned()).isZero();
        assertThat(orderNineFree(k)).isEqualTo(before);
        assertThat(k.mem().vmstat(VmStat.COMPACT_MIGRATE_SCANNED)).isZero();
        assertThat(k.dispatcher().stats().consulted(Site.COMPACTION)).isEqualTo(1);
    }

    /** Unpatched, except the free scanner may not take the private node's pages as targets. */
    static final class RefusingTargets extends Unpatched {
        int asked;

        @Override
        public Verdict compactionTargets(CompactionRequest request, DriverAccess driver) {
            asked++;
            return Verdict.deny(Errno.ENOMEM, "test: nothing may arrive here");
        }
    }

    /** Where every user page of the node sits, by pfn (a move changes it). */
    static java.util.List<Long> userPfns(Kernel k) {
        java.util.List<Long> out = new java.util.ArrayList<>();
        for (Task t : k.tasks()) {
            for (var v : t.mm().vmas()) {
                for (long a = v.nextMapped(v.start(), v.end()); a < v.end(); a = v.nextMapped(a + 4096, v.end())) {
                    out.add(org.mmproto.core.task.Pte.pfn(v.pte(a)));
                }
            }
        }
        return out;
    }

    @Test
    void a_refused_free_scanner_moves_nothing_onto_the_node() {
        RefusingTargets d = new RefusingTargets();
        Kernel k = fragmentedPrivateNode(d);
        long before = orderNineFree(k);
        var pfns = userPfns(k);
        var r = k.compaction().compactNode(P);
        assertThat(r.ret()).isZero(); // the compact file itself is accepted
        assertThat(d.asked).isEqualTo(1); // the first pass is refused and the run ends (COMPACT_CONTENDED)
        assertThat(r.stats().targetsRefused()).isEqualTo(1);
        assertThat(r.stats().migrated()).isZero();
        assertThat(userPfns(k)).isEqualTo(pfns);
        assertThat(orderNineFree(k)).isEqualTo(before);
        assertThat(k.mem().node(P).vmstat(VmStat.COMPACT_FREE_SCANNED)).isZero();
        assertThat(k.mem().vmstat(VmStat.PGMIGRATE_SUCCESS)).isZero();
        // an ordinary node never asks
        assertThat(k.compaction().compactNode(0).ret()).isZero();
        assertThat(d.asked).isEqualTo(1);
    }

    @Test
    void buddy_veto_asks_the_driver_before_the_free_scanner_isolates_the_nodes_pages() {
        var driver = org.mmproto.core.hooks.RecordingDriver.with();
        Kernel k = fragmentedPrivateNode(new org.mmproto.core.hooks.designs.BuddyVeto(), driver);
        long vetoes = driver.count("alloc_veto");
        driver.allocAnswer = Verdict.deny(Errno.ENOMEM, "test: device full");
        var pfns = userPfns(k);
        var r = k.compaction().compactNode(P);
        assertThat(r.ret()).isZero();
        assertThat(driver.count("alloc_veto") - vetoes).isEqualTo(1);
        assertThat(r.stats().migrated()).isZero();
        assertThat(userPfns(k)).isEqualTo(pfns);
        // the driver allows again: the node compacts inside itself, each pass asking
        driver.allocAnswer = Verdict.ALLOW;
        long before = orderNineFree(k);
        r = k.compaction().compactNode(P);
        assertThat(r.stats().migrated()).isPositive();
        assertThat(orderNineFree(k)).isGreaterThan(before);
        assertThat(driver.count("alloc_veto") - vetoes).isGreaterThan(2);
    }

    @Test
    void gfp_flag_refuses_a_manual_compact_of_the_node_with_einval() {
        Kernel k = Kernel.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, true), new GfpFlag());
        assertThat(k.compaction().compactNode(P).ret()).isEqualTo(-Errno.EINVAL.code());
        assertThat(k.compaction().compactNode(0).ret()).isZero();
        assertThat(k.dispatcher().stats().consulted(Site.COMPACTION)).isEqualTo(1);
    }
}
