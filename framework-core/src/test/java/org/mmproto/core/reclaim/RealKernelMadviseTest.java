package org.mmproto.core.reclaim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;

/**
 * What Linux 6.12 reported for MADV_PAGEOUT, MADV_COLD and MADV_FREE (realkernel, 3 Dec 2026:
 * Debian 6.12.107, node 0 512 MiB, node 1 128 MiB, a 128 MiB zram swap device, THP and NUMA
 * balancing off, the classic LRU: {@code echo n > /sys/kernel/mm/lru_gen/enabled}; the program is
 * docs/realkernel/madv_pageout.c). Each step's /proc/vmstat deltas, 16 MiB (4096 pages) mbound to
 * node 1:
 * <pre>
 * pageout 4096 written pages: pswpout=4096            (no pgscan_*, pgsteal_*, pgactivate)
 * read back:                  pswpin=4096
 * cold (fresh pages):         nothing                 (they are inactive already)
 * free:                       pglazyfree=4092         (+4 left in a per-CPU batch, drained later)
 * 16 pages rewritten, pageout: pgactivate=16 pglazyfreed=4080; a dropped page reads 0
 * MADV_FREE on MAP_SHARED|MAP_ANONYMOUS: EINVAL; MADV_COLD over a hole: ENOMEM; unaligned: EINVAL
 * </pre>
 * With MGLRU on (Debian's default, lru_gen 0x0007) COLD counted pgdeactivate=4092 instead: every
 * folio counts as active there. The model has the classic lists and no per-CPU LRU batches, so
 * its pglazyfree is the whole 4096 at once.
 */
class RealKernelMadviseTest {
    private static final long LEN = 16 * MiB;
    private static final List<VmStat> WATCHED = List.of(VmStat.PSWPOUT, VmStat.PSWPIN, VmStat.PGSTEAL_KSWAPD,
            VmStat.PGSTEAL_DIRECT, VmStat.PGSTEAL_PROACTIVE, VmStat.PGSCAN_KSWAPD, VmStat.PGSCAN_DIRECT,
            VmStat.PGSCAN_PROACTIVE, VmStat.PGSTEAL_ANON, VmStat.PGSTEAL_FILE, VmStat.PGSCAN_ANON,
            VmStat.PGSCAN_FILE, VmStat.PGACTIVATE, VmStat.PGDEACTIVATE, VmStat.PGLAZYFREE, VmStat.PGLAZYFREED,
            VmStat.PGDEMOTE_KSWAPD, VmStat.PGDEMOTE_DIRECT, VmStat.THP_SWPOUT);

    private Kernel k;
    private Task a;
    private MmOps ops;
    private Map<VmStat, Long> before;

    @BeforeEach
    void boot() {
        k = Kernel.boot(TestMachines.of("rk-madvise", TestMachines.slit(2),
                TestMachines.node(0, 512 * MiB, List.of(0)), TestMachines.node(1, 128 * MiB, List.of(1))),
                new Unpatched());
        k.setThp(TransparentHugepage.Mode.NEVER);
        k.swap().swapon(128 * MiB / 4096);
        a = k.spawn("a", 0, 0, 0, Set.of());
        ops = k.mmOps();
    }

    private long region() {
        long p = ops.mmap(a, 0, LEN, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "r");
        assertThat(k.numa().mbind(a, p, LEN, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(1)), 64, 0)).isZero();
        return p;
    }

    private void snap() {
        before = new EnumMap<>(VmStat.class);
        for (VmStat s : WATCHED) {
            before.put(s, k.mem().vmstat(s));
        }
    }

    /** The watched counters that moved since {@link #snap}, as the program prints them. */
    private Map<VmStat, Long> delta() {
        Map<VmStat, Long> d = new EnumMap<>(VmStat.class);
        for (VmStat s : WATCHED) {
            long v = k.mem().vmstat(s) - before.get(s);
            if (v != 0) {
                d.put(s, v);
            }
        }
        return d;
    }

    @Test
    void pageout_swaps_out_every_page_and_counts_no_scan_or_steal() {
        long p = region();
        assertThat(ops.touch(a, p, LEN, true)).isZero();
        snap();
        assertThat(ops.madvise(a, p, LEN, MmOps.MADV_PAGEOUT)).isZero();
        assertThat(delta()).isEqualTo(Map.of(VmStat.PSWPOUT, 4096L));
        snap();
        assertThat(ops.touch(a, p, LEN, false)).isZero();
        assertThat(delta()).isEqualTo(Map.of(VmStat.PSWPIN, 4096L));
    }

    @Test
    void cold_on_fresh_pages_counts_nothing() {
        long q = region();
        assertThat(ops.touch(a, q, LEN, true)).isZero();
        snap();
        assertThat(ops.madvise(a, q, LEN, MmOps.MADV_COLD)).isZero();
        assertThat(delta()).isEmpty();
    }

    @Test
    void free_then_pageout_drops_the_clean_pages_and_activates_the_rewritten_ones() {
        long f = region();
        assertThat(ops.touch(a, f, LEN, true)).isZero();
        snap();
        assertThat(ops.madvise(a, f, LEN, MmOps.MADV_FREE)).isZero();
        assertThat(delta()).isEqualTo(Map.of(VmStat.PGLAZYFREE, 4096L));
        assertThat(ops.touch(a, f, 16 * 4096, true)).isZero();
        snap();
        assertThat(ops.madvise(a, f, LEN, MmOps.MADV_PAGEOUT)).isZero();
        assertThat(delta()).isEqualTo(Map.of(VmStat.PGACTIVATE, 16L, VmStat.PGLAZYFREED, 4080L));
        assertThat(Pte.present(a.mm().find(f).pte(f))).isTrue();
        assertThat(a.mm().find(f).pte(f + 16 * 4096)).as("dropped: the next read is a zero page").isZero();
    }

    @Test
    void errnos() {
        long s = ops.mmap(a, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_SHARED | MmOps.MAP_ANONYMOUS,
                null, 0, "s");
        assertThat(s).isPositive();
        // shared anonymous memory is shmem: not vma_is_anonymous
        assertThat(ops.madvise(a, s, 4096, MmOps.MADV_FREE)).isEqualTo(-Errno.EINVAL.code());
        long h = ops.mmap(a, 0, 3 * 4096, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "h");
        assertThat(ops.munmap(a, h + 4096, 4096)).isZero();
        assertThat(ops.madvise(a, h, 3 * 4096, MmOps.MADV_COLD)).isEqualTo(-Errno.ENOMEM.code());
        assertThat(ops.madvise(a, h + 1, 4096, MmOps.MADV_PAGEOUT)).isEqualTo(-Errno.EINVAL.code());
    }
}
