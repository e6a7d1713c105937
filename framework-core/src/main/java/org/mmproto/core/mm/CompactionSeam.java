package org.mmproto.core.mm;

import org.mmproto.api.NodeMask;

/**
 * Where the page allocator's slow path hands a costly-order request to direct compaction
 * (__alloc_pages_direct_compact calling try_to_compact_pages). The compaction subsystem
 * ({@code org.mmproto.core.compaction}) implements it; without one, {@link #NONE} never runs.
 */
public interface CompactionSeam {
    CompactionSeam NONE = (zl, prefIdx, highest, nodemask, order, gfp) -> false;

    /**
     * Compacts the zones of {@code zonelist} from {@code prefIdx} the request may use.
     *
     * @return false when no zone was compacted or deferred (COMPACT_SKIPPED: nothing counted), true otherwise
     */
    boolean tryToCompact(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask, int order, int gfp);

    /** The allocation after a counted compaction got {@code pfn}, or failed (pfn < 0): compaction_defer_reset with alloc_success. */
    default void allocated(long pfn, int order) {
    }
}
