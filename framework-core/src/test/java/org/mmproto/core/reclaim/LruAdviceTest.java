package org.mmproto.core.reclaim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.core.mm.Lru;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;

/** MADV_COLD, MADV_PAGEOUT and MADV_FREE on a 64 MiB node: LRU moves, reclaim_pages, lazyfree. */
class LruAdviceTest extends SingleNodeTask {
    /** Puts the range's folios on the active list (what a second reference in reclaim would do). */
    private void activate(long buf, long len) {
        ops.touch(a, buf, len, true);
        for (long p = buf; p < buf + len; p += 4096) {
            k.lru().move(Pte.pfn(pte(p)), Lru.ACTIVE_ANON);
        }
    }

    @Test
    void cold_moves_active_folios_to_the_inactive_list_and_clears_their_accessed_bits() {
        long buf = anon(1 * MiB);
        ops.touch(a, buf, 1 * MiB, true);
        long deact = stat(VmStat.PGDEACTIVATE);
        assertThat(ops.madvise(a, buf, 1 * MiB, MmOps.MADV_COLD)).isZero();
        // inactive folios stay where they are: nothing deactivated, but the accessed bits are gone
        assertThat(stat(VmStat.PGDEACTIVATE)).isEqualTo(deact);
        assertThat(pte(buf) & Pte.YOUNG).isZero();

        long hot = anon(256 * 4096);
        activate(hot, 256 * 4096);
        long active = k.lru().pages(0, Lru.ACTIVE_ANON);
        assertThat(active).isGreaterThanOrEqualTo(256);
        assertThat(k.lru().listOf(Pte.pfn(pte(hot)))).isEqualTo(Lru.ACTIVE_ANON);
        deact = stat(VmStat.PGDEACTIVATE);
        assertThat(ops.madvise(a, hot, 256 * 4096, MmOps.MADV_COLD)).isZero();
        assertThat(stat(VmStat.PGDEACTIVATE) - deact).isEqualTo(256);
        assertThat(k.lru().listOf(Pte.pfn(pte(hot)))).isEqualTo(Lru.INACTIVE_ANON);
        assertThat(k.lru().pages(0, Lru.ACTIVE_ANON)).isEqualTo(active - 256);
        assertThat(k.lru().referenced(Pte.pfn(pte(hot)))).isFalse();
    }

    @Test
    void pageout_swaps_the_range_out_now_without_pgscan_or_pgsteal() {
        k.swap().swapon(1 + 1024);
        long buf = anon(1 * MiB);
        ops.touch(a, buf, 1 * MiB, true); // every page young: pageout ignores references
        long scan = stat(VmStat.PGSCAN_KSWAPD) + stat(VmStat.PGSCAN_DIRECT) + stat(VmStat.PGSCAN_PROACTIVE);
        long steal = stat(VmStat.PGSTEAL_KSWAPD) + stat(VmStat.PGSTEAL_DIRECT) + stat(VmStat.PGSTEAL_PROACTIVE);
        assertThat(ops.madvise(a, buf, 1 * MiB, MmOps.MADV_PAGEOUT)).isZero();
        assertThat(stat(VmStat.PSWPOUT)).isEqualTo(256);
        assertThat(Pte.isSwap(pte(buf))).isTrue();
        assertThat(k.swap().freePages()).isEqualTo(1024 - 256);
        assertThat(k.lru().pages(0, Lru.INACTIVE_ANON)).isZero();
        assertThat(k.lru().pages(0, Lru.ACTIVE_ANON)).isZero();
        // reclaim_folio_list counts neither scans nor steals (shrink_inactive_list does)
        assertThat(stat(VmStat.PGSCAN_KSWAPD) + stat(VmStat.PGSCAN_DIRECT) + stat(VmStat.PGSCAN_PROACTIVE)).isEqualTo(scan);
        assertThat(stat(VmStat.PGSTEAL_KSWAPD) + stat(VmStat.PGSTEAL_DIRECT) + stat(VmStat.PGSTEAL_PROACTIVE)).isEqualTo(steal);
        ops.touch(a, buf, 1 * MiB, false);
        assertThat(stat(VmStat.PSWPIN)).isEqualTo(256);
    }

    @Test
    void pageout_without_swap_activates_and_leaves_shared_folios_alone() {
        long buf = anon(64 * 4096);
        ops.touch(a, buf, 64 * 4096, true);
        long act = stat(VmStat.PGACTIVATE);
        assertThat(ops.madvise(a, buf, 64 * 4096, MmOps.MADV_PAGEOUT)).isZero();
        assertThat(stat(VmStat.PSWPOUT)).isZero();
        assertThat(stat(VmStat.PGACTIVATE) - act).isEqualTo(64); // add_to_swap failed: activate_locked
        assertThat(k.lru().pages(0, Lru.ACTIVE_ANON)).isEqualTo(64);

        k.swap().swapon(1 + 1024);
        Task child = ops.fork(a, "child", 2);
        ops.munmap(child, buf + 4096, 63 * 4096); // the child shares page 0 only
        assertThat(ops.madvise(a, buf, 64 * 4096, MmOps.MADV_PAGEOUT)).isZero();
        // page 0 is mapped twice (not exclusive): skipped; pages 1-63 swapped out
        assertThat(stat(VmStat.PSWPOUT)).isEqualTo(63);
        assertThat(Pte.present(pte(buf))).isTrue();
        ops.munmap(child, buf, 4096);
        assertThat(ops.madvise(a, buf, 4096, MmOps.MADV_PAGEOUT)).isZero();
        assertThat(stat(VmStat.PSWPOUT)).isEqualTo(64);
    }

    @Test
    void a_pinned_exclusive_folio_is_kept_by_pageout() {
        k.swap().swapon(1 + 1024);
        long buf = anon(4096);
        ops.touch(a, buf, 4096, true);
        long pfn = Pte.pfn(pte(buf));
        k.memmap().addRefs(pfn, 1024);
        assertThat(ops.madvise(a, buf, 4096, MmOps.MADV_PAGEOUT)).isZero();
        assertThat(stat(VmStat.PSWPOUT)).isZero();
        assertThat(Pte.pfn(pte(buf))).isEqualTo(pfn);
        k.memmap().addRefs(pfn, -1024);
    }

    @Test
    void free_makes_pages_lazyfree_and_reclaim_drops_them_without_swap() {
        long buf = anon(1 * MiB);
        ops.touch(a, buf, 1 * MiB, true);
        assertThat(ops.madvise(a, buf, 1 * MiB, MmOps.MADV_FREE)).isZero();
        assertThat(stat(VmStat.PGLAZYFREE)).isEqualTo(256);
        assertThat(k.lru().pages(0, Lru.INACTIVE_FILE)).isEqualTo(256);
        assertThat(k.lru().pages(0, Lru.INACTIVE_ANON)).isZero();
        assertThat(pte(buf) & (Pte.DIRTY | Pte.YOUNG)).isZero();
        // a second MADV_FREE finds them lazyfree already
        assertThat(ops.madvise(a, buf, 1 * MiB, MmOps.MADV_FREE)).isZero();
        assertThat(stat(VmStat.PGLAZYFREE)).isEqualTo(256);

        // page 0 written again: re-dirtied, kept and swap-backed again; no swap device anywhere
        ops.touch(a, buf, 4096, true);
        long got = k.reclaim().proactive(0, 256);
        assertThat(stat(VmStat.PGLAZYFREED)).isEqualTo(255);
        assertThat(got).isEqualTo(255);
        assertThat(stat(VmStat.PGSTEAL_FILE)).isEqualTo(255);
        assertThat(stat(VmStat.PSWPOUT)).isZero();
        assertThat(Pte.present(pte(buf))).isTrue();
        assertThat(k.lru().listOf(Pte.pfn(pte(buf)))).isEqualTo(Lru.ACTIVE_ANON);
        assertThat(pte(buf + 4096)).isZero(); // dropped: the next read sees zeroes
        assertThat(k.lru().pages(0, Lru.INACTIVE_FILE) + k.lru().pages(0, Lru.ACTIVE_FILE)).isZero();
    }

    @Test
    void free_drops_swapped_out_pages_of_the_range() {
        k.swap().swapon(1 + 1024);
        long buf = anon(16 * 4096);
        ops.touch(a, buf, 16 * 4096, true);
        assertThat(ops.madvise(a, buf, 16 * 4096, MmOps.MADV_PAGEOUT)).isZero();
        assertThat(k.swap().freePages()).isEqualTo(1024 - 16);
        assertThat(ops.madvise(a, buf, 16 * 4096, MmOps.MADV_FREE)).isZero();
        assertThat(k.swap().freePages()).isEqualTo(1024);
        assertThat(pte(buf)).isZero();
    }

    @Test
    void errnos_follow_madvise() {
        long buf = anon(16 * 4096);
        ops.touch(a, buf, 16 * 4096, true);
        assertThat(ops.madvise(a, buf + 1, 4096, MmOps.MADV_COLD)).isEqualTo(-Errno.EINVAL.code());
        assertThat(ops.madvise(a, buf, 4096, 99)).isEqualTo(-Errno.EINVAL.code());
        assertThat(ops.madvise(a, buf, 0, MmOps.MADV_PAGEOUT)).isZero();
        // a hole: the mapped part is advised, then ENOMEM
        assertThat(ops.madvise(a, buf, 32 * 4096, MmOps.MADV_FREE)).isEqualTo(-Errno.ENOMEM.code());
        assertThat(stat(VmStat.PGLAZYFREE)).isEqualTo(16);
        // MADV_FREE needs an anonymous VMA: a shared memfd mapping is EINVAL
        var f = ops.memfdCreate(a, "m", 4096);
        long shm = ops.mmap(a, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_SHARED, f, 0, "shm");
        assertThat(ops.madvise(a, shm, 4096, MmOps.MADV_FREE)).isEqualTo(-Errno.EINVAL.code());
        assertThat(ops.madvise(a, shm, 4096, MmOps.MADV_COLD)).isZero();
    }

    @Test
    void a_pmd_mapped_thp_is_advised_whole_and_a_partly_covered_one_is_left_alone() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        long buf = anon(4 * MiB);
        long huge = (buf + 2 * MiB - 1) & -(2 * MiB);
        ops.touch(a, huge, 2 * MiB, true);
        assertThat(Pte.isPmd(pte(huge))).isTrue();
        assertThat(ops.madvise(a, huge, 1 * MiB, MmOps.MADV_FREE)).isZero();
        assertThat(stat(VmStat.PGLAZYFREE)).isZero();
        assertThat(ops.madvise(a, huge, 2 * MiB, MmOps.MADV_FREE)).isZero();
        assertThat(stat(VmStat.PGLAZYFREE)).isEqualTo(512);
        assertThat(k.lru().pages(0, Lru.INACTIVE_FILE)).isEqualTo(512);
    }
}
