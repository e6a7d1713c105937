package org.mmproto.core.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;

/**
 * compact_zone_order at MIN_COMPACT_PRIORITY (COMPACT_PRIO_SYNC_FULL) sets ignore_block_suitable:
 * the free scanner takes targets from pageblocks of any migratetype, not only MOVABLE ones. Two
 * kernels set up alike, one whole-zone run each (the scanners go until they meet, so the free
 * scanner covers the same range): once without, once with ignore_block_suitable.
 */
class SyncFullTargetsTest {
    private static final long MiB = TestMachines.MiB;

    /** Kernel pages with holes (UNMOVABLE pageblocks) and user pages with holes on node 0; returns the big zone. */
    static Zone setUp(Kernel k) {
        k.setThp(TransparentHugepage.Mode.NEVER);
        List<Long> kernelPages = new ArrayList<>();
        int gfp = Gfp.GFP_KERNEL.bits() | Gfp.Bits.THISNODE | Gfp.Bits.NOWARN;
        for (int i = 0; i < 4096; i++) {
            kernelPages.add(k.alloc().allocPages(gfp, 0, 0, null, 0));
        }
        Task a = k.spawn("a", 0, 0, 1000, Set.of());
        MmOps ops = k.mmOps();
        long len = 40 * MiB;
        long buf = ops.mmap(a, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "buf");
        assertThat(ops.touch(a, buf, len, true)).isZero();
        for (long p = buf; p < buf + len; p += 2 * 4096) {
            assertThat(ops.munmap(a, p + 4096, 4096)).isZero();
        }
        for (int i = 0; i < kernelPages.size(); i += 2) {
            k.alloc().freePages(kernelPages.get(i), 0);
        }
        k.alloc().drainAllPages();
        Zone best = null;
        for (Zone z : k.mem().node(0).zones()) {
            if (z.populated() && (best == null || z.spannedPages() > best.spannedPages())) {
                best = z;
            }
        }
        return best;
    }

    static CompactionStats run(boolean syncFull) {
        Kernel k = Kernel.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, false), new Unpatched());
        Zone z = setUp(k);
        CompactControl cc = k.compaction().control(z, -1, Migration.Mode.MIGRATE_SYNC_LIGHT, false).direct(syncFull);
        k.compaction().run(cc);
        return cc.stats();
    }

    @Test
    void sync_full_scans_the_free_pages_of_every_pageblock_for_targets() {
        CompactionStats light = run(false);
        CompactionStats full = run(true);
        assertThat(light.freeScanned()).isPositive();
        // measured: SYNC_LIGHT scans 3303 free-scanner pages and moves 1792 folios, SYNC_FULL 5376 and 2976
        assertThat(full.freeScanned()).isGreaterThan(light.freeScanned());
        assertThat(full.migrated()).isGreaterThan(light.migrated());
    }
}
