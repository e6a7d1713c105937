package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Site;
import org.mmproto.core.hooks.designs.FallbackOnly;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.TransparentHugepage;

/** A THP left partly mapped by an unmap is split; the driver of a private node hears folio_split. */
class ThpSplitTest {
    private static final long MIB = 1L << 20;

    static final class SplitDriver extends RecordingDriver {
        final List<FolioRef> splits = new ArrayList<>();

        SplitDriver() {
            super(java.util.Set.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY));
        }

        @Override
        public void folioSplit(FolioRef original, FolioRef split) {
            splits.add(split);
        }
    }

    private static long thpOnPrivateNode(PrivateWorld w) {
        w.k.setThp(TransparentHugepage.Mode.ALWAYS);
        long a = w.k.mmOps().mmap(w.task, 0, 2 * MIB, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "thp");
        w.k.numa().mbind(w.task, a, 2 * MIB, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(PrivateWorld.P)), 64, 0);
        w.k.mmOps().touch(w.task, a, 4096, true);
        return a;
    }

    @Test
    void munmap_of_half_a_thp_splits_it_and_frees_the_unmapped_half() {
        SplitDriver drv = new SplitDriver();
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        long a = thpOnPrivateNode(w);
        long head = w.k.mmOps().folioAt(w.task, a);
        assertThat(w.k.memmap().order(head)).isEqualTo(9);
        assertThat(w.k.memmap().nid(head)).isEqualTo(PrivateWorld.P);
        long used = w.userFolioPages();
        w.k.mmOps().munmap(w.task, a + MIB, MIB);
        // the VMA split splits the PMD; the half-unmapped folio waits on the deferred-split queue
        assertThat(w.k.mem().vmstat(VmStat.THP_SPLIT_PMD)).isEqualTo(1);
        assertThat(w.k.mem().vmstat(VmStat.THP_DEFERRED_SPLIT_PAGE)).isEqualTo(1);
        assertThat(w.k.mem().vmstat(VmStat.THP_SPLIT_PAGE)).isZero();
        assertThat(w.userFolioPages()).isEqualTo(used);
        assertThat(w.k.core().shrinkers().shrink(PrivateWorld.P, 0)).isEqualTo(1); // folios split
        assertThat(w.k.mem().vmstat(VmStat.THP_SPLIT_PAGE)).isEqualTo(1);
        assertThat(w.userFolioPages()).isEqualTo(used - 256);
        assertThat(w.k.memmap().order(head)).isZero();
        assertThat(drv.splits).hasSize(513).last().isNull();
        assertThat(w.k.dispatcher().stats().footprint()).contains(Site.FOLIO_SPLIT);
        // the remaining half is still mapped, one page per folio now
        assertThat(w.k.mmOps().touch(w.task, a, MIB, true)).isZero();
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
        w.k.mmOps().exit(w.task);
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
    }

    @Test
    void designs_without_a_callback_table_split_silently() {
        SplitDriver drv = new SplitDriver();
        PrivateWorld w = new PrivateWorld(drv, new FallbackOnly(), Duration.ZERO);
        long a = thpOnPrivateNode(w);
        w.k.mmOps().madvise(w.task, a, 4096, MmOps.MADV_DONTNEED);
        assertThat(w.k.mem().vmstat(VmStat.THP_SPLIT_PAGE)).isZero();
        assertThat(w.k.core().shrinkers().shrink(PrivateWorld.P, 0)).isEqualTo(1);
        assertThat(w.k.mem().vmstat(VmStat.THP_SPLIT_PAGE)).isEqualTo(1);
        assertThat(drv.splits).isEmpty();
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
    }

    @Test
    void a_pinned_thp_is_not_split() {
        PrivateWorld w = new PrivateWorld(new SplitDriver(), new OpsStruct(), Duration.ZERO);
        long a = thpOnPrivateNode(w);
        long head = w.k.mmOps().folioAt(w.task, a);
        w.k.memmap().addRefs(head, 1024);
        w.k.mmOps().munmap(w.task, a + MIB, MIB);
        assertThat(w.k.memmap().order(head)).isEqualTo(9);
        assertThat(w.k.mem().vmstat(VmStat.THP_SPLIT_PAGE)).isZero();
        w.k.memmap().addRefs(head, -1024);
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
    }
}
