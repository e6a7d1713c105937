package org.mmproto.core.mm;

/**
 * The one place the page allocator asks whether a zone of a private node may serve an
 * allocation (the RFC's numa_zone_alloc_allowed). The foundation only counts and allows; the
 * designs decide here once drivers and designs exist.
 */
@FunctionalInterface
public interface PrivateNodeCheckpoint {
    /**
     * @param nid           the private node
     * @param zoneIdx       the zone being tried
     * @param gfp           the allocation's gfp mask
     * @param order         the allocation's order
     * @param preferredNid  the node the allocation named
     * @return true to let the zone serve the request
     */
    boolean allowAlloc(int nid, int zoneIdx, int gfp, int order, int preferredNid);

    /** The folio an allowed request produced on private node {@code nid}. */
    default void allocated(long pfn, int nid) {
    }
}
