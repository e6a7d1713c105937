package org.mmproto.core.tier;

import java.util.List;
import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.NodeMask;
import org.mmproto.api.design.AllocContext;
import org.mmproto.api.design.UserAllocation;
import org.mmproto.api.design.ZonelistKind;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.migrate.FailureCause;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.task.MmCore;

/**
 * demote_folio_list (mm/vmscan.c): the folios reclaim would free are migrated to the node's
 * demotion target through the one migrate_pages() engine, MIGRATE_ASYNC, MR_DEMOTION, with
 * alloc_demote_folio as the target callback: first next_demotion_node with __GFP_THISNODE, then
 * any node of the allowed mask (every lower tier), gfp
 * {@code (GFP_HIGHUSER_MOVABLE & ~__GFP_RECLAIM) | __GFP_NOWARN | __GFP_NOMEMALLOC | GFP_NOWAIT};
 * mempolicy and cpusets are ignored. pgdemote_* counts the pages that moved, on the source node.
 *
 * <p>A private target is decided per folio at Site.DEMOTION before a page of it is allocated
 * (ops-struct: NP_OPS_DEMOTION then migrate_to, whose refusal — -ENOSPC back-pressure — blocks
 * the demotion onto that node; gfp-flag: the migration_blocked pressure bit); the allocation on it
 * is a folio allocation whose context the design makes (Site.ALLOC_CONTEXT, reason MR_DEMOTION:
 * __GFP_PRIVATE, ZONELIST_PRIVATE, the task scope), so the allocator's gates (buddy-veto's veto)
 * see it. A fallback allocation that lands on a private node not decided yet is decided there
 * after the fact, and the page goes back if the design refuses. A folio that is not demoted stays
 * for the caller (reclaim swaps or keeps it).
 */
public final class Demotion {
    /** GFP_NOWAIT in 6.12: __GFP_KSWAPD_RECLAIM | __GFP_NOWARN. */
    static final int GFP_NOWAIT = Gfp.Bits.KSWAPD_RECLAIM | Gfp.Bits.NOWARN;
    static final int DEMOTE_GFP = (Gfp.GFP_HIGHUSER_MOVABLE.bits() & ~Gfp.Bits.RECLAIM) | Gfp.Bits.NOWARN
            | Gfp.Bits.NOMEMALLOC | GFP_NOWAIT;

    private final MmCore k;
    private final Migration migration;
    private final MemoryTiers tiers;
    private final TierSettings settings;

    Demotion(MmCore k, Migration migration, MemoryTiers tiers, TierSettings settings) {
        this.k = k;
        this.migration = migration;
        this.tiers = tiers;
        this.settings = settings;
    }

    /** can_demote: demotion is enabled and the node has a target. */
    public boolean canDemote(int nid) {
        return settings.demotionEnabled() && !tiers.preferred(nid).isEmpty();
    }

    /**
     * Demotes the folios (heads on node {@code nid}); returns per folio whether it moved, and
     * counts the pages that did as pgdemote_* of {@code who} on the node.
     */
    public boolean[] demote(int nid, List<Long> folios, DemoteCaller who) {
        boolean[] moved = new boolean[folios.size()];
        int target = tiers.nextDemotionNode(nid);
        if (!settings.demotionEnabled() || target < 0 || folios.isEmpty()) {
            return moved;
        }
        long[] pages = new long[folios.size()];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = 1L << k.memmap().order(folios.get(i));
        }
        NodeMask allowed = tiers.allowed(nid);
        var res = migration.migrate(folios, target, (src, order) -> allocDemoteFolio(src, order, target, allowed, nid),
                Migration.Mode.MIGRATE_ASYNC, MigrateReason.MR_DEMOTION, Migration.Origin.SITE);
        long demoted = 0;
        for (int i = 0; i < moved.length; i++) {
            moved[i] = res.causes()[i] == FailureCause.MIGRATED;
            demoted += moved[i] ? pages[i] : 0;
        }
        k.mem().count(nid, who.counter, demoted);
        return moved;
    }

    /** alloc_demote_folio: the preferred target alone (__GFP_THISNODE), then the allowed mask. */
    long allocDemoteFolio(long src, int order, int preferred, NodeMask allowed, int srcNid) {
        int gfp = DEMOTE_GFP;
        if (order > 0) {
            // alloc_migration_target adds GFP_TRANSHUGE; reclaim runs PF_MEMALLOC, so the slow
            // path never recurses into direct reclaim: drop it here
            gfp = ((gfp & ~Gfp.Bits.RECLAIM) | Gfp.GFP_TRANSHUGE.bits()) & ~Gfp.Bits.DIRECT_RECLAIM;
            gfp |= Gfp.Bits.COMP;
        }
        Dispatcher d = k.dispatcher();
        boolean privatePreferred = d != null && d.isPrivate(preferred);
        long dst = -Errno.ENOMEM.code();
        boolean preferredOk = false;
        if (!privatePreferred) {
            dst = k.alloc().allocPages(gfp | Gfp.Bits.THISNODE, order, preferred, null, srcNid);
        } else if (d.demotion(src, preferred).allowed()) {
            preferredOk = true;
            dst = allocOnPrivate(src, gfp | Gfp.Bits.THISNODE, order, preferred, null, srcNid);
        }
        if (dst >= 0) {
            return dst;
        }
        // v4 patch 14 and mainline alike: the fallback walk over the lower tiers; a private node
        // there is aimed at (it is in the tier graph) and decided when the walk lands on it
        NodeMask mask = allowed;
        long intent = 0;
        if (d != null) {
            for (int n : allowed.toArray()) {
                if (d.isPrivate(n)) {
                    intent |= 1L << n;
                }
            }
            k.alloc().prepare(ZonelistKind.DEFAULT, true, intent, MigrateReason.MR_DEMOTION);
        }
        dst = k.alloc().allocPages(gfp, order, preferred, mask, srcNid);
        if (dst >= 0 && d != null) {
            int got = k.memmap().nid(dst);
            if (d.isPrivate(got) && !(got == preferred && preferredOk) && !d.demotion(src, got).allowed()) {
                k.folioRelease().folioPut(dst, FreePath.FOLIO_PUT);
                return -Errno.ENOMEM.code();
            }
        }
        return dst;
    }

    /** A target on a private node: a folio allocation whose context the design makes (reason MR_DEMOTION). */
    private long allocOnPrivate(long src, int gfp, int order, int nid, NodeMask mask, int localNid) {
        Dispatcher d = k.dispatcher();
        AllocContext ctx = d.userAllocation(new UserAllocation(nid, Gfp.of(gfp), order, Site.DEMOTION,
                MigrateReason.MR_DEMOTION, null, false, false, localNid, d.current()));
        if (ctx.taskScope()) {
            d.taskScope(true);
        }
        try {
            k.alloc().prepare(ctx.zonelist(), true, 1L << nid, MigrateReason.MR_DEMOTION);
            return k.alloc().allocPages(ctx.gfp().bits(), order, nid, mask, localNid);
        } finally {
            if (ctx.taskScope()) {
                d.taskScope(false);
            }
        }
    }
}
