package org.mmproto.core.tier;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.ZoneType;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.migrate.FailureCause;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.migrate.WriteFaultPromotion;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.ReclaimSeam;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.ChangeProtNuma;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.MmCore;
import org.mmproto.core.task.NumaHintFaults;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Tasks;
import org.mmproto.core.task.Vma;

/**
 * NUMA balancing in memory-tiering mode (kernel.numa_balancing & 2), after kernel/sched/fair.c and
 * mm/migrate.c of 6.12:
 * <ul>
 * <li>task_numa_work on {@link #tick}: once per scan period each task marks the next
 *     {@code scan_size_mb} of its address space PROT_NONE (change_prot_numa; a range with no entry
 *     updated does not count against the size, at most 8 times the size is walked), resuming where
 *     the last scan stopped and wrapping to the start after the last VMA; without
 *     NUMA_BALANCING_NORMAL top-tier folios are skipped; each marked slow-tier folio records the scan
 *     time (folio_xchg_access_time). numa_pte_updates counts the entries.</li>
 * <li>do_numa_page ({@link #hintFault}): under the default policy (MPOL_F_MOF|MPOL_F_MORON) a folio on
 *     a slow-tier node is a promotion candidate for the faulting task's node: if that node has
 *     plenty of free memory (a zone above high + max(1 GiB, present/16)) it is promoted at once
 *     (pgpromote_candidate_nrl, the newer mainline count), else its hint-fault latency (now - scan
 *     time) must be below the hot threshold and the rate limit (promote_rate_limit_MBps, per node
 *     per second of candidates) must not be exceeded (pgpromote_candidate counts every page that
 *     reaches the rate limit).</li>
 * <li>migrate_misplaced_folio ({@link #promote}): refused unless the target node is above its high
 *     watermark + the folio's pages (then kswapd is woken there, tiering mode), else the one
 *     migration engine, MIGRATE_ASYNC, MR_NUMA_MISPLACED, the target allocated as
 *     alloc_misplaced_dst_folio does; numa_pages_migrated, and pgpromote_success on the target
 *     for a move from a slow to a top-tier node.</li>
 * </ul>
 * A folio on a private node is promoted only as the design allows (Site.PROMOTION, once per
 * promotion attempt, before the move; the move then asks nothing at the migration sites).
 * Not modelled: NUMA_BALANCING_NORMAL's task placement and misplaced-folio migration between
 * top-tier nodes (such hint faults are counted and the folio stays), the adaptive scan period and
 * hot threshold (numa_promotion_adjust_threshold), PMD-mapped THP hinting, shared-VMA filters.
 */
public final class NumaBalancing implements NumaHintFaults {
    /** 1 GiB in pages: pgdat_free_space_enough's floor. */
    static final long ENOUGH_FLOOR = 1L << (30 - 12);

    private final MmCore k;
    private final Tasks tasks;
    private final Migration migration;
    private final MemoryTiers tiers;
    private final TierSettings settings;
    private final ReclaimSeam reclaim;
    private final ChangeProtNuma prot;
    private final Memmap mm;
    /** folio head -> the scan time in ms (_last_cpupid in tiering mode). */
    private final Map<Long, Long> accessTime = new HashMap<>();
    private final Map<Integer, long[]> scanState = new HashMap<>();
    private final long[] rlStart;
    private final long[] rlNrCand;
    private long nowMs;

    NumaBalancing(MmCore k, Tasks tasks, ChangeProtNuma prot, Migration migration, MemoryTiers tiers,
                  TierSettings settings, ReclaimSeam reclaim) {
        this.k = k;
        this.tasks = tasks;
        this.prot = prot;
        this.migration = migration;
        this.tiers = tiers;
        this.settings = settings;
        this.reclaim = reclaim;
        this.mm = k.memmap();
        int n = k.mem().nodeCount();
        rlStart = new long[n];
        rlNrCand = new long[n];
    }

    long nowMs() {
        return nowMs;
    }

    /** Time passes; returns the PTEs the scans marked. */
    long tick(long ms) {
        long from = nowMs;
        nowMs += ms;
        if (settings.numaBalancing() == 0) {
            return 0;
        }
        long marked = 0;
        int period = settings.scanPeriodMs();
        for (Task t : List.copyOf(tasks.tasks())) {
            Mm m = t.mm();
            if (t.exited() || m == null) {
                continue;
            }
            // state: {offset, time of the last scan}; the first period starts at the first tick that sees the task
            long[] st = scanState.computeIfAbsent(t.pid(), p -> new long[] {0, from});
            long scans = (nowMs - st[1]) / period;
            for (long i = 0; i < scans; i++) {
                marked += taskNumaWork(t, m, st);
            }
            st[1] += scans * period;
        }
        return marked;
    }

    private long taskNumaWork(Task t, Mm m, long[] st) {
        long pages = (long) settings.scanSizeMb() << (20 - 12);
        long virtpages = pages * 8;
        long updatedAll = 0;
        long start = st[0];
        boolean stopped = false;
        for (Vma v : m.vmas()) {
            if (v.end() <= start) {
                continue;
            }
            start = Math.max(start, v.start());
            while (start < v.end()) {
                long end = Math.min(alignUp(start + (pages << 12), Mm.PMD_SIZE), v.end());
                long updated = (v.flags() & Vma.VM_READ) != 0 ? prot.mark(v, start, end, this::markFolio) : 0;
                updatedAll += updated;
                if (updated > 0) {
                    pages -= (end - start) >>> 12;
                }
                virtpages -= (end - start) >>> 12;
                start = end;
                if (pages <= 0 || virtpages <= 0) {
                    stopped = true;
                    break;
                }
            }
            if (stopped) {
                break;
            }
        }
        st[0] = stopped ? start : 0;
        k.mem().count(t.nid(), VmStat.NUMA_PTE_UPDATES, updatedAll);
        return updatedAll;
    }

    private static long alignUp(long a, long to) {
        return (a + to - 1) & ~(to - 1);
    }

    /** change_pte_range's prot_numa filter. */
    private boolean markFolio(long head, int nid) {
        if (!settings.normalMode() && tiers.isTopTier(nid)) {
            return false;
        }
        if (mm.maybeDmaPinned(head)) {
            return false;
        }
        if (settings.tieringMode() && !tiers.isTopTier(nid)) {
            accessTime.put(head, nowMs);
        }
        return true;
    }

    @Override
    public void hintFault(Task t, long head, boolean defaultPolicy) {
        Long scanned = accessTime.remove(head);
        int src = mm.nid(head);
        int dst = t.nid();
        if (!settings.tieringMode() || tiers.isTopTier(src) || !defaultPolicy || src == dst) {
            return;
        }
        long nr = 1L << mm.order(head);
        if (freeSpaceEnough(dst)) {
            k.mem().count(dst, VmStat.PGPROMOTE_CANDIDATE_NRL, nr);
        } else {
            long latency = scanned == null ? Long.MAX_VALUE : nowMs - scanned;
            if (latency >= settings.hotThresholdMs() || rateLimited(dst, nr)) {
                return;
            }
        }
        promote(head, dst);
    }

    /**
     * A promotion asked for outside a hint fault (the {@code promote} step, a driver's nominated
     * hot page): a candidate whatever its latency, subject to the free-space check and the rate
     * limit as a hint fault is. Returns whether it moved.
     */
    boolean promoteCandidate(long head, int dst) {
        long nr = 1L << mm.order(head);
        if (freeSpaceEnough(dst)) {
            k.mem().count(dst, VmStat.PGPROMOTE_CANDIDATE_NRL, nr);
        } else if (rateLimited(dst, nr)) {
            return false;
        }
        return promote(head, dst);
    }

    /** pgdat_free_space_enough. */
    boolean freeSpaceEnough(int nid) {
        Node n = k.mem().node(nid);
        long enough = Math.max(ENOUGH_FLOOR, n.presentPages() >> 4);
        for (Zone z : n.zones()) {
            if (z.managedPages() > 0 && z.freePages() > z.watermark(Zone.WMARK_HIGH) + enough) {
                return true;
            }
        }
        return false;
    }

    /** numa_promotion_rate_limit: counts the candidate, true when this second's budget is spent. */
    private boolean rateLimited(int nid, long nr) {
        k.mem().count(nid, VmStat.PGPROMOTE_CANDIDATE, nr);
        long nrCand = k.mem().node(nid).vmstat(VmStat.PGPROMOTE_CANDIDATE);
        if (nowMs - rlStart[nid] > 1000) {
            rlStart[nid] = nowMs;
            rlNrCand[nid] = nrCand;
        }
        long limit = settings.promoteRateLimitMBps() << (20 - 12);
        return nrCand - rlNrCand[nid] >= limit;
    }

    /** migrate_misplaced_folio_prepare + migrate_misplaced_folio; true when the folio moved. */
    boolean promote(long head, int dst) {
        int src = mm.nid(head);
        long nr = 1L << mm.order(head);
        if (!migrateBalanced(dst, nr)) {
            if (settings.tieringMode()) {
                reclaim.wakeKswapd(dst, 0, ZoneType.MOVABLE.ordinal(), 0);
            }
            return false;
        }
        Dispatcher d = k.dispatcher();
        if (d != null && d.isPrivate(src) && !d.promotion(head, dst).allowed()) {
            return false;
        }
        int order = mm.order(head);
        var res = migration.migrate(List.of(head), dst, (s, o) -> k.alloc().allocPages(WriteFaultPromotion.misplacedGfp(o), o, dst, null, dst),
                Migration.Mode.MIGRATE_ASYNC, MigrateReason.MR_NUMA_MISPLACED, Migration.Origin.SITE);
        if (res.causes()[0] != FailureCause.MIGRATED) {
            return false;
        }
        k.mem().count(dst, VmStat.NUMA_PAGES_MIGRATED, 1L << order);
        if (!tiers.isTopTier(src) && tiers.isTopTier(dst)) {
            k.mem().count(dst, VmStat.PGPROMOTE_SUCCESS, 1L << order);
        }
        return true;
    }

    /** migrate_balanced_pgdat: some zone meets high + nr at order 0. */
    private boolean migrateBalanced(int nid, long nr) {
        for (Zone z : k.mem().node(nid).zones()) {
            if (z.managedPages() > 0
                    && PageAllocator.watermarkOkAt(z, 0, z.watermark(Zone.WMARK_HIGH) + nr, ZoneType.MOVABLE.ordinal())) {
                return true;
            }
        }
        return false;
    }
}
