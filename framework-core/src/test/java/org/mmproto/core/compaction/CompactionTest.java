package org.mmproto.core.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.api.ZoneType;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;

/**
 * compact_zone on a node fragmented by interleaved frees: task a faults most of a 64 MiB node
 * and unmaps every other page, so no order-9 block is free; compaction must make one.
 */
class CompactionTest {
    static final long MiB = TestMachines.MiB;

    Kernel k;
    MmOps ops;
    Task a;
    long bootUsed;
    long buf;
    long len;

    @BeforeEach
    void boot() {
        k = Kernel.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, false), new Unpatched());
        k.setThp(TransparentHugepage.Mode.NEVER);
        ops = k.mmOps();
        a = k.spawn("a", 0, 0, 1000, Set.of());
        bootUsed = k.mem().pagesInFolios();
    }

    @AfterEach
    void nothingLeaks() {
        ops.exit(a);
        assertThat(k.mem().pagesInFolios()).isEqualTo(bootUsed);
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    Zone zone() {
        Zone best = null;
        for (Zone z : k.mem().node(0).zones()) {
            if (z.populated() && (best == null || z.spannedPages() > best.spannedPages())) {
                best = z;
            }
        }
        return best;
    }

    /** Faults {@code bytes} on node 0 and unmaps every other page; returns the kept pages' addresses. */
    List<Long> fragment(long bytes) {
        len = bytes;
        buf = ops.mmap(a, 0, bytes, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "buf");
        assertThat(ops.touch(a, buf, bytes, true)).isZero();
        List<Long> kept = new ArrayList<>();
        for (long p = buf; p < buf + bytes; p += 2 * 4096) {
            assertThat(ops.munmap(a, p + 4096, 4096)).isZero();
            kept.add(p);
        }
        k.alloc().drainAllPages();
        return kept;
    }

    static long highOrderFree(Zone z) {
        long n = 0;
        for (int o = Zone.PAGEBLOCK_ORDER; o < Zone.NR_PAGE_ORDERS; o++) {
            n += z.nrFree(o);
        }
        return n;
    }

    long vm(VmStat v) {
        return k.mem().vmstat(v);
    }

    @Test
    void fragmented_zone_gets_an_order_9_block() {
        fragment(56 * MiB);
        Zone z = zone();
        System.out.println(z + " " + z.spannedPages() + " free " + z.freePages() + " hi " + highOrderFree(z));
        System.out.println(Fragmentation.unusableIndexFile(k.mem()));
        assertThat(highOrderFree(z)).isZero();
        assertThat(Fragmentation.unusableIndex(z, 9)).isEqualTo(1000);
        var r = k.compaction().compactNode(0);
        System.out.println(Fragmentation.unusableIndexFile(k.mem()));
        assertThat(r.ret()).isZero();
        assertThat(highOrderFree(z)).isPositive();
        assertThat(Fragmentation.unusableIndex(z, 9)).isLessThan(1000);
        assertThat(r.stats().migrated()).isPositive();
        assertThat(vm(VmStat.COMPACT_MIGRATE_SCANNED)).isEqualTo(r.stats().migrateScanned()).isPositive();
        assertThat(vm(VmStat.COMPACT_FREE_SCANNED)).isEqualTo(r.stats().freeScanned()).isPositive();
        assertThat(vm(VmStat.COMPACT_ISOLATED)).isEqualTo(r.stats().isolated()).isPositive();
        assertThat(vm(VmStat.PGMIGRATE_SUCCESS)).isEqualTo(r.stats().migrated());
        assertThat(k.migration().reasonCounts().succeeded(org.mmproto.api.MigrateReason.MR_COMPACTION))
                .isEqualTo(r.stats().migrated());
        // manual compaction is no direct compaction
        assertThat(vm(VmStat.COMPACT_STALL)).isZero();
    }
}
