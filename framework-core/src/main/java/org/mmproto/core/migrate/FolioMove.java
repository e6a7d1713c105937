package org.mmproto.core.migrate;

import org.mmproto.core.fault.FailPoint;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.task.MmCore;

/**
 * The two steps of one folio's migration, in mm/migrate.c's order. migrate_folio_unmap:
 * allocate the target (the design is asked at Site.MIGRATE_TARGET for a private node), then
 * unmap, which a DMA-pinned folio refuses (-EAGAIN; the target is given back). migrate_folio_move:
 * the refcount must be what the mappings and the page cache explain (-EAGAIN otherwise), then
 * the copy takes over the flags and every mapping and the source is freed.
 */
final class FolioMove {
    static final int HPAGE_PMD_ORDER = 9;
    /** MIGRATEPAGE_UNMAP: unmapped, the target held for the move step. */
    static final int UNMAPPED = 1;
    static final int SUCCESS = 0;

    private final MmCore k;
    private final Migration.TargetAlloc target;
    private final int targetNid;
    private final MigrateReason reason;
    private final boolean driverRequested;
    /** The caller's site decided the target (demotion, promotion): no MIGRATE_TARGET decision here. */
    private final boolean siteDecided;

    FolioMove(MmCore k, Migration.TargetAlloc target, int targetNid, MigrateReason reason, Migration.Origin origin) {
        this.k = k;
        this.target = target;
        this.targetNid = targetNid;
        this.reason = reason;
        this.driverRequested = origin == Migration.Origin.DRIVER;
        this.siteDecided = origin == Migration.Origin.SITE;
    }

    int unmap(Candidate c) {
        Memmap mm = k.memmap();
        Dispatcher d = k.dispatcher();
        c.unmapAttempts++;
        if ((mm.flags(c.pfn) & Memmap.PG_ZERO_PAGE) != 0) {
            return failed(c, FailureCause.NOT_ISOLATED, FailureCause.NOT_ISOLATED.defaultErrno());
        }
        if (d != null && !siteDecided && d.isPrivate(targetNid) && targetNid != c.srcNid) {
            Verdict v = d.migrateOnto(c.pfn, targetNid, reason);
            if (!v.allowed()) {
                return failed(c, FailureCause.REFUSED, -Dispatcher.errnoOf(v, Errno.EBUSY).code());
            }
        }
        // target unknown: a private node the allocation reaches is decided there, before a page
        // of it is taken (Dispatcher.migrationTarget); a refused node is skipped
        boolean decidedInWalk = d != null && !siteDecided && targetNid < 0 && d.hasPrivateNodes();
        FaultInjector faults = k.mem().faults();
        long dst = faults.active() && faults.fail(FailPoint.MIGRATE_TARGET, c.order, 0, targetNid)
                ? -Errno.ENOMEM.code() // get_new_folio returned NULL
                : decidedInWalk ? d.migrationTarget(c.pfn, reason, () -> target.alloc(c.pfn, c.order))
                : target.alloc(c.pfn, c.order);
        if (dst < 0) {
            boolean refused = decidedInWalk && dst != -Errno.ENOMEM.code();
            return failed(c, refused ? FailureCause.REFUSED : FailureCause.TARGET_ALLOC, (int) dst);
        }
        int dstNid = mm.nid(dst);
        if (d != null && !siteDecided && !decidedInWalk && dstNid != targetNid && dstNid != c.srcNid && d.isPrivate(dstNid)) {
            // a caller naming a node whose allocator still fell back onto a private one: decide
            // there rather than let the folio arrive unasked
            Verdict late = d.migrateOnto(c.pfn, dstNid, reason);
            if (!late.allowed()) {
                putTarget(dst);
                return failed(c, FailureCause.REFUSED, -Dispatcher.errnoOf(late, Errno.EBUSY).code());
            }
        }
        if (mm.maybeDmaPinned(c.pfn)) {
            putTarget(dst); // try_to_migrate left it mapped: migrate_folio_undo_dst
            return failed(c, FailureCause.PINNED, -Errno.EAGAIN.code());
        }
        c.dst = dst;
        return UNMAPPED;
    }

    int move(Candidate c) {
        Memmap mm = k.memmap();
        Dispatcher d = k.dispatcher();
        long src = c.pfn;
        long dst = c.dst;
        int expected = mm.mapcount(src) + (c.rmap.inPageCache(src) ? 1 : 0);
        if (mm.refcount(src) != expected) {
            return failed(c, FailureCause.EXTRA_REFS, -Errno.EAGAIN.code());
        }
        FaultInjector faults = k.mem().faults();
        if (faults.active() && faults.fail(FailPoint.MIGRATE_COPY, c.order, 0, mm.nid(dst))) {
            return failed(c, FailureCause.COPY_FAILED, FailureCause.COPY_FAILED.defaultErrno());
        }
        if (d != null) {
            d.folioMigrated(src, dst);
            d.deviceCopy(src, dst, 1L << mm.order(dst)); // carries each page's content kind
        }
        int dstNid = mm.nid(dst);
        mm.setFlags(dst, mm.flags(src));
        int list = k.lru().listOf(src);
        if (list >= 0) {
            k.lru().addTo(dst, mm.order(src), list); // putback: the copy takes the source's LRU list
        }
        mm.addMapcount(dst, mm.mapcount(src));
        int entire = mm.entireMapcount(src); // PMD mappings stay PMD mappings (remove_migration_pmd)
        if (entire > 0) {
            mm.addEntireMapcount(dst, entire);
            mm.addEntireMapcount(src, -entire);
        }
        mm.addRefs(dst, expected - 1);
        c.rmap.retarget(src, dst, d != null && d.writeProtected(dstNid));
        mm.addMapcount(src, -mm.mapcount(src));
        mm.addRefs(src, 1 - mm.refcount(src));
        k.folioRelease().folioPut(src, FreePath.FOLIO_PUT);
        if (d != null) {
            d.leftNode(src, c.srcNid, dstNid, reason, driverRequested);
        }
        c.dst = -1;
        c.cause = FailureCause.MIGRATED;
        c.result = dstNid;
        return SUCCESS;
    }

    /** The target of a folio whose move did not happen goes back (migrate_folio_undo_dst). */
    void undo(Candidate c) {
        if (c.dst >= 0) {
            putTarget(c.dst);
            c.dst = -1;
        }
    }

    private void putTarget(long dst) {
        k.folioRelease().folioPut(dst, FreePath.FOLIO_PUT);
    }

    private static int failed(Candidate c, FailureCause cause, int errno) {
        c.fail(cause, errno);
        return errno;
    }
}
