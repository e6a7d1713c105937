package org.mmproto.core.mm;

/**
 * The page allocator's questions about the nodes the machine marks private, asked at most once
 * per node per {@code __alloc_pages} call (the {@link AllocCall} remembers the answers).
 */
public interface PrivateNodeCheckpoint {
    /**
     * numa_zone_alloc_allowed: may this call use the private node's zones at all?
     *
     * @param preferredNid the node the allocation named
     */
    boolean allowAlloc(int nid, int gfp, int order, int preferredNid, AllocCall call);

    /** The watermark check passed on the node: may the buddy hand its pages out? */
    default boolean handout(int nid, int gfp, int order, int preferredNid, AllocCall call) {
        return true;
    }

    /** An allocation nested inside another one starts ({@code true}) or ends. */
    default void nested(boolean enter) {
    }

    /**
     * The folio an allowed request produced on private node {@code nid}, or a {@code __GFP_ZERO}
     * folio on any other node of a machine with a private node (its pages now read as ZERO).
     */
    default void allocated(long pfn, int nid, int gfp, AllocCall call) {
    }
}
