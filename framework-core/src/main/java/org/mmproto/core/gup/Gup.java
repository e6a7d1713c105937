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
 * __gup_longterm_locked: fault the range in, then check_and_migrate_movable_pages: folios that
 * are not longterm-pinnable (ZONE_MOVABLE; on a private node, what the design answers at
 * Site.GUP_LONGTERM) are isolated, nothing stays pinned, and migrate_pages() moves them with
 * MR_LONGTERM_PIN (alloc_migration_target: the folio's own node, GFP_USER|__GFP_NOWARN, so
 * outside ZONE_MOVABLE), which gives -EAGAIN: the range is pinned again from the start. Any
 * folio that does not move (pinned by someone else, no target) fails the pin with -ENOMEM, as
 * 6.12 does. The kernel loops for as long as the migrations succeed; the engine stops a loop
 * that keeps finding unpinnable folios after {@link #MAX_LONGTERM_RETRIES} rounds (-ENOMEM),
 * where the kernel would spin.
 */
public final class Gup {
    public static final int FOLL_WRITE = 1;
    public static final int FOLL_LONGTERM = 1 << 8;
    static final int MAX_LONGTERM_RETRIES = 16;

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

    /** folio_maybe_dma_pinned, for the subsystems that must leave pinned folios alone. */
    public static boolean maybeDmaPinned(Memmap mm, long head) {
        return mm.maybeDmaPinned(head);
    }

    private long[] pinFor(Task t, long addr, int nrPages, int gupFlags, int[] err) {
        boolean write = (gupFlags & FOLL_WRITE) != 0;
        boolean longterm = (gupFlags & FOLL_LONGTERM) != 0;
        if ((addr & 4095) != 0 || nrPages <= 0) {
            err[0] = -Errno.EINVAL.code();
            return null;
        }
        for (int round = 0; round < MAX_LONGTERM_RETRIES; round++) {
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
            int rc = checkAndMigrateMovable(t, heads);
            if (rc == 0) {
                pinAll(heads);
                return heads;
            }
            if (rc != -Errno.EAGAIN.code()) {
                err[0] = rc;
                return null;
            }
        }
        err[0] = -Errno.ENOMEM.code();
        return null;
    }

    /**
     * check_and_migrate_movable_pages: 0 when every folio is longterm-pinnable, -EAGAIN after
     * migrating the ones that are not, -ENOMEM when one of them did not move (or the design
     * refuses the pin outright).
     */
    private int checkAndMigrateMovable(Task t, long[] heads) {
        Memmap mm = k.memmap();
        Dispatcher d = k.dispatcher();
        List<Long> isolated = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        int collected = 0;
        for (long h : heads) {
            if (h == k.zeroPfn() || !seen.add(h)) {
                continue; // the zero page is always pinnable; a folio is decided once, not per page
            }
            boolean unpinnable;
            if (d != null && d.isPrivate(mm.nid(h))) {
                PinAction a = d.longtermPin(h);
                if (a == PinAction.REFUSE) {
                    return -Errno.ENOMEM.code();
                }
                unpinnable = a == PinAction.MIGRATE_THEN_PIN;
            } else {
                unpinnable = mm.zone(h) == ZoneType.MOVABLE; // folio_is_longterm_pinnable
            }
            if (!unpinnable) {
                continue;
            }
            collected++;
            if ((mm.flags(h) & Memmap.PG_LRU) != 0) {
                isolated.add(h); // folio_isolate_lru; a folio off the LRU is skipped and found again next round
            }
        }
        if (collected == 0) {
            return 0;
        }
        if (!isolated.isEmpty()) {
            Migration.Result res = migration.migrate(isolated, -1, (src, order) -> k.alloc().allocPages(
                    targetGfp(mm, src, order), order, mm.nid(src), null, t.nid()), Migration.Mode.MIGRATE_SYNC,
                    MigrateReason.MR_LONGTERM_PIN);
            if (res.ret() != 0) {
                return -Errno.ENOMEM.code();
            }
        }
        return -Errno.EAGAIN.code();
    }

    /**
     * alloc_migration_target with GFP_USER|__GFP_NOWARN: a source in ZONE_MOVABLE adds
     * __GFP_HIGHMEM (no ZONE_HIGHMEM on x86-64: still ZONE_NORMAL at most); a large folio drops
     * the reclaim bits and adds GFP_TRANSHUGE's (less __GFP_MOVABLE, which memalloc_pin_save strips).
     */
    private static int targetGfp(Memmap mm, long src, int order) {
        int gfp = Gfp.GFP_USER.bits() | Gfp.Bits.NOWARN;
        if (order > 0) {
            // GFP_TRANSHUGE brings __GFP_MOVABLE; the memalloc_pin scope of the whole longterm pin strips it
            gfp = (gfp & ~Gfp.Bits.RECLAIM) | (Gfp.GFP_TRANSHUGE.bits() & ~Gfp.Bits.MOVABLE) | Gfp.Bits.COMP;
        }
        if (mm.zone(src) == ZoneType.MOVABLE) {
            gfp |= Gfp.Bits.HIGHMEM;
        }
        return gfp;
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
