package org.mmproto.core.gup;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.task.FaultHandler;
import org.mmproto.core.task.MmCore;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;

/**
 * pin_user_pages / unpin_user_pages (mm/gup.c). A FOLL_LONGTERM pin goes through
 * __gup_longterm_locked: folios that are not longterm-pinnable (ZONE_MOVABLE) are unpinned,
 * migrated to the same node outside ZONE_MOVABLE (GFP_USER, MR_LONGTERM_PIN), and the range is
 * pinned again; a failed migration fails the pin with -ENOMEM. Folios on private nodes are
 * decided by the design at Site.GUP_LONGTERM.
 */
public final class Gup {
    public static final int FOLL_WRITE = 1;
    public static final int FOLL_LONGTERM = 1 << 8;
    private static final int MAX_PASSES = 5;

    private final MmCore k;
    private final FaultHandler faults;
    private final MmOps mmOps;
    private final Migration migration;

    public Gup(MmCore k, FaultHandler faults, MmOps mmOps, Migration migration) {
        this.k = k;
        this.faults = faults;
        this.mmOps = mmOps;
        this.migration = migration;
    }

    /**
     * Pins {@code nrPages} pages from addr; on success returns the folio head pfns pinned (one per
     * page, in order). On failure returns null and sets nothing pinned; the errno is in {@code err[0]}.
     */
    public long[] pin(Task t, long addr, int nrPages, int gupFlags, int[] err) {
        Dispatcher d = k.dispatcher();
        if (d == null) {
            return pinFor(t, addr, nrPages, gupFlags, err);
        }
        // the pin, its faults and its migrations act for the pinning task, not the kernel
        var prev = d.enter(t.ref());
        try {
            return pinFor(t, addr, nrPages, gupFlags, err);
        } finally {
            d.enter(prev);
        }
    }

    private long[] pinFor(Task t, long addr, int nrPages, int gupFlags, int[] err) {
        boolean write = (gupFlags & FOLL_WRITE) != 0;
        boolean longterm = (gupFlags & FOLL_LONGTERM) != 0;
        if ((addr & 4095) != 0 || nrPages <= 0) {
            err[0] = -Errno.EINVAL.code();
            return null;
        }
        Memmap mm = k.memmap();
        Dispatcher d = k.dispatcher();
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            long[] heads = new long[nrPages];
            for (int i = 0; i < nrPages; i++) {
                long a = addr + ((long) i << 12);
                int r = faults.handle(t, a, write);
                if (r < 0) {
                    err[0] = r;
                    return null;
                }
                heads[i] = mmOps.folioAt(t, a);
            }
            if (!longterm) {
                pinAll(heads);
                return heads;
            }
            List<Long> move = new ArrayList<>();
            Set<Long> seen = new HashSet<>();
            for (long h : heads) {
                if (h == k.zeroPfn() || !seen.add(h)) {
                    continue; // the zero page is always pinnable; a folio is decided once, not per page
                }
                int nid = mm.nid(h);
                if (d != null && d.isPrivate(nid)) {
                    PinAction a = d.longtermPin(h);
                    if (a == PinAction.REFUSE) {
                        err[0] = -Errno.ENOMEM.code();
                        return null;
                    }
                    if (a == PinAction.MIGRATE_THEN_PIN && !move.contains(h)) {
                        move.add(h);
                    }
                } else if (mm.zone(h) == ZoneType.MOVABLE && !move.contains(h)) {
                    move.add(h);
                }
            }
            if (move.isEmpty()) {
                pinAll(heads);
                return heads;
            }
            // check_and_migrate_movable_pages: nothing is pinned at this point
            // alloc_migration_target: the folio's own node, GFP_USER (no ZONE_MOVABLE), normal fallback
            Migration.Result res = migration.migrate(move, -1, (src, order) -> k.alloc().allocPages(
                    Gfp.GFP_USER.bits() | Gfp.Bits.NOWARN | (order > 0 ? Gfp.Bits.COMP : 0), order, mm.nid(src), null,
                    t.nid()), Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_LONGTERM_PIN);
            if (res.nrFailed() > 0) {
                err[0] = -Errno.ENOMEM.code();
                return null;
            }
        }
        err[0] = -Errno.ENOMEM.code();
        return null;
    }

    private void pinAll(long[] heads) {
        for (long h : heads) {
            if (h != k.zeroPfn()) {
                k.memmap().addRefs(h, Memmap.GUP_PIN_COUNTING_BIAS);
            }
        }
    }

    /** unpin_user_pages. */
    public void unpin(long[] heads) {
        for (long h : heads) {
            if (h != k.zeroPfn()) {
                if (k.memmap().refcount(h) < Memmap.GUP_PIN_COUNTING_BIAS) {
                    throw new IllegalStateException(String.format("unpin of folio 0x%x that is not pinned", h));
                }
                k.memmap().addRefs(h, -(Memmap.GUP_PIN_COUNTING_BIAS - 1));
                k.folioRelease().folioPut(h, FreePath.FOLIO_PUT);
            }
        }
    }
}
