package org.mmproto.core.migrate;

import java.util.List;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.task.FolioPromotion;

/**
 * The fault path's PROMOTE: a synchronous migration to the faulting task's node
 * (MR_NUMA_MISPLACED, on the driver's behalf), the target allocated there with
 * GFP_HIGHUSER_MOVABLE | __GFP_RETRY_MAYFAIL (and __GFP_COMP for a large folio).
 */
public final class WriteFaultPromotion implements FolioPromotion {
    private final Migration migration;
    private final PageAllocator alloc;

    public WriteFaultPromotion(Migration migration, PageAllocator alloc) {
        this.migration = migration;
        this.alloc = alloc;
    }

    @Override
    public boolean promote(long head, int nid) {
        var res = migration.migrate(List.of(head), nid, (src, order) -> alloc.allocPages(misplacedGfp(order),
                order, nid, null, nid), Migration.Mode.MIGRATE_SYNC,
                MigrateReason.MR_NUMA_MISPLACED, Migration.Origin.DRIVER);
        return res.nrSucceeded() == 1;
    }

    /**
     * alloc_misplaced_dst_folio: the target node only (__GFP_THISNODE, so the copy can never
     * fall back onto another node, a private one included), no reclaim, no reserves.
     */
    public static int misplacedGfp(int order) {
        int gfp = Gfp.Bits.THISNODE | (order > 0 ? Gfp.GFP_TRANSHUGE_LIGHT.bits() | Gfp.Bits.COMP
                : Gfp.GFP_HIGHUSER_MOVABLE.bits() | Gfp.Bits.NOMEMALLOC | Gfp.Bits.NORETRY | Gfp.Bits.NOWARN);
        return gfp & ~Gfp.Bits.RECLAIM;
    }
}
