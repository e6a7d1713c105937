package org.mmproto.core.task;

import org.mmproto.core.kernel.Kernel;
import org.junit.jupiter.api.Test;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.testkit.TestMachines;
import static org.assertj.core.api.Assertions.assertThat;

/** The zero page is reserved at boot, not allocated: nothing counts it as an allocation. */
class ZeroPageTest {
    @Test
    void the_zero_page_is_a_reserved_page_not_a_counted_allocation() {
        Kernel k = Kernel.boot(TestMachines.dramDramCxl(64 * TestMachines.MiB, 64 * TestMachines.MiB, false), new Unpatched());
        long z = k.zeroPfn();
        assertThat(k.memmap().nid(z)).isZero();
        assertThat(k.memmap().flags(z) & Memmap.PG_ZERO_PAGE).isNotZero();
        assertThat(k.memmap().refcount(z)).isEqualTo(1);
        for (VmStat v : new VmStat[] {VmStat.PGALLOC_DMA, VmStat.PGALLOC_DMA32, VmStat.PGALLOC_NORMAL,
                VmStat.PGALLOC_MOVABLE, VmStat.NUMA_HIT, VmStat.NUMA_LOCAL}) {
            assertThat(k.mem().vmstat(v)).as(v.key()).isZero();
        }
        assertThat(k.mem().node(0).zones().stream().mapToLong(zone -> zone.pcpPages()).sum())
                .as("no per-CPU list was refilled for it").isZero();
        assertThat(k.mem().pagesInFolios()).isEqualTo(1);
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }
}
