package org.mmproto.core.tier;

import java.util.ArrayList;
import java.util.List;
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

    public Tiering(MachineSpec spec, MmCore k, Tasks tasks, Rmap rmap, Migration migration, ReclaimSeam reclaim) {
        this.k = k;
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

    /** NUMA balancing's scans for {@code ms} of time; returns the entries marked PROT_NONE. */
    public long tick(long ms) {
        return balancing.tick(ms);
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
