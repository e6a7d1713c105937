package org.mmproto.core.tier;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.mmproto.core.hooks.PromotionRing;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.mm.Lru;
import org.mmproto.core.mm.ReclaimSeam;
import org.mmproto.core.task.ChangeProtNuma;
import org.mmproto.core.task.MmCore;
import org.mmproto.core.task.NumaHintFaults;
import org.mmproto.core.task.Rmap;
import org.mmproto.core.task.Tasks;

/**
 * The memory-tiering subsystem: the tiers and demotion targets ({@link MemoryTiers}), demotion
 * for reclaim ({@link Demotion}), promotion by NUMA balancing ({@link NumaBalancing}), their knobs
 * ({@link TierSettings}), and the on-demand {@code demote} / {@code promote} of the scenario steps.
 */
public final class Tiering {
    private final MmCore k;
    private final TierSettings settings;
    private final MemoryTiers tiers;
    private final Demotion demotion;
    private final NumaBalancing balancing;
    private final IntFunction<PromotionRing> nominations;

    /** {@code nominations}: the ring of hot pfns the driver of a node nominated, or null. */
    public Tiering(MachineSpec spec, MmCore k, Tasks tasks, Rmap rmap, Migration migration, ReclaimSeam reclaim,
            IntFunction<PromotionRing> nominations) {
        this.k = k;
        this.nominations = nominations;
        this.settings = new TierSettings(spec.tiering());
        this.tiers = new MemoryTiers(spec, k.mem(), k.dispatcher());
        this.demotion = new Demotion(k, migration, tiers, settings);
        this.balancing = new NumaBalancing(k, tasks, new ChangeProtNuma(rmap, k.memmap()), migration, tiers, settings,
                reclaim);
    }

    public TierSettings settings() {
        return settings;
    }

    public MemoryTiers tiers() {
        return tiers;
    }

    public Demotion demotion() {
        return demotion;
    }

    /** The fault path's port for hint faults. */
    public NumaHintFaults hintFaults() {
        return balancing;
    }

    /**
     * NUMA balancing's scans for {@code ms} of time, then the devices' nominated hot pages;
     * returns the entries marked PROT_NONE.
     */
    public long tick(long ms) {
        long marked = balancing.tick(ms);
        promoteNominated();
        return marked;
    }

    /**
     * Each nominated pfn still the head of a folio on its node is a promotion candidate for the
     * nearest top-tier node, under NUMA balancing's rate limit and Site.PROMOTION, as a hint
     * fault's would be; one freed or moved since its nomination is stale and skipped.
     */
    private void promoteNominated() {
        for (var node : k.mem().nodes()) {
            int nid = node.nid();
            PromotionRing ring = nominations.apply(nid);
            if (ring == null || ring.queued() == 0) {
                continue;
            }
            int dst = tiers.nearestTopTier(nid);
            for (long pfn : ring.drain()) {
                if (dst < 0 || k.alloc().folioOrder(pfn) < 0 || k.memmap().nid(pfn) != nid) {
                    ring.countStale();
                    continue;
                }
                balancing.promoteCandidate(pfn, dst);
            }
        }
    }


    public long timeMs() {
        return balancing.nowMs();
    }

    /** {@code show: memory_tiers}. */
    public String text() {
        return tiers.text(settings.demotionEnabled());
    }

    /**
     * Demotes up to {@code pages} pages of folios from the tail of node {@code nid}'s anon lists
     * (inactive, then active) through demote_folio_list, as a proactive request; returns the
     * pages demoted (pgdemote_proactive).
     */
    public long demote(int nid, long pages) {
        List<Long> folios = lruTail(nid, pages);
        long[] nr = new long[folios.size()];
        for (int i = 0; i < nr.length; i++) {
            nr[i] = 1L << k.memmap().order(folios.get(i));
        }
        boolean[] moved = demotion.demote(nid, folios, DemoteCaller.PROACTIVE);
        long n = 0;
        for (int i = 0; i < moved.length; i++) {
            n += moved[i] ? nr[i] : 0;
        }
        return n;
    }

    /**
     * Promotes up to {@code pages} pages of folios from the tail of node {@code nid}'s anon lists
     * to node {@code to} as promotion candidates (free-space check, rate limit, Site.PROMOTION,
     * migrate_misplaced_folio); returns the pages promoted.
     */
    public long promote(int nid, int to, long pages) {
        long n = 0;
        for (long head : lruTail(nid, pages)) {
            int order = k.memmap().order(head);
            if (balancing.promoteCandidate(head, to)) {
                n += 1L << order;
            }
        }
        return n;
    }

    private List<Long> lruTail(int nid, long pages) {
        Lru lru = k.lru();
        List<Long> out = new ArrayList<>();
        long taken = 0;
        for (int list : new int[] {Lru.INACTIVE_ANON, Lru.ACTIVE_ANON}) {
            for (long f = lru.tail(nid, list); f >= 0 && taken < pages; f = lru.newer(f)) {
                out.add(f);
                taken += 1L << lru.orderOf(f);
            }
        }
        return out;
    }
}
