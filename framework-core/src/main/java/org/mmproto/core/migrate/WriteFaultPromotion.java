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
        var res = migration.migrate(List.of(head), nid, (src, order) -> alloc.allocPages(
                Gfp.GFP_HIGHUSER_MOVABLE.bits() | Gfp.Bits.RETRY_MAYFAIL | (order > 0 ? Gfp.Bits.COMP : 0),
                order, nid, null, nid), Migration.Mode.MIGRATE_SYNC,
                MigrateReason.MR_NUMA_MISPLACED, Migration.Origin.DRIVER);
        return res.nrSucceeded() == 1;
    }
}
