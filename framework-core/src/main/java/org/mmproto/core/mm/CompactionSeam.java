package org.mmproto.core.mm;

import java.util.function.ToLongFunction;
import org.mmproto.api.NodeMask;

/**
 * Where the page allocator's slow path hands a high-order request to direct compaction
 * (__alloc_pages_direct_compact calling try_to_compact_pages, should_compact_retry calling
 * compaction_zonelist_suitable). The compaction subsystem ({@code org.mmproto.core.compaction})
 * implements it; without one, {@link #NONE} skips every request.
 */
public interface CompactionSeam {
    CompactionSeam NONE = new CompactionSeam() {
        @Override
        public CompactResult tryToCompact(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask,
                                          int order, int gfp, int allocFlags, CompactPriority prio) {
            return CompactResult.SKIPPED;
        }

        @Override
        public boolean zonelistSuitable(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask,
                                        int order, ToLongFunction<Zone> reclaimable) {
            return false;
        }
    };

    /**
     * try_to_compact_pages: compacts the zones of {@code zonelist} from {@code prefIdx} the
     * request may use, at {@code prio}.
     *
     * @return the highest outcome of the zones (SKIPPED when none was compacted or deferred)
     */
    CompactResult tryToCompact(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask, int order,
                               int gfp, int allocFlags, CompactPriority prio);

    /**
     * compaction_zonelist_suitable: some zone would pass __compaction_suitable with its free pages
     * plus its reclaimable pages / order (so reclaim could make compaction possible);
     * {@code reclaimable} is zone_reclaimable_pages.
     */
    boolean zonelistSuitable(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask, int order,
                             ToLongFunction<Zone> reclaimable);

    /** The allocation after a counted compaction got {@code pfn}, or failed (pfn < 0): compaction_defer_reset with alloc_success. */
    default void allocated(long pfn, int order) {
    }
}
