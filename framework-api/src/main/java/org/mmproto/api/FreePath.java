package org.mmproto.api;

/** The kernel path a folio took back to the buddy allocator (mm/swap.c, mm/page_alloc.c). */
public enum FreePath {
    /** {@code __free_pages}/{@code free_pages}: a kernel allocation given back by its owner. */
    FREE_PAGES("__free_pages"),
    /** {@code folio_put} dropping the last reference: a single folio. */
    FOLIO_PUT("folio_put"),
    /** {@code folios_put_refs} then {@code free_unref_folios}: the batched path of unmap and exit. */
    FOLIOS_PUT("folios_put_refs");

    private final String kernelName;

    FreePath(String kernelName) {
        this.kernelName = kernelName;
    }

    public String kernelName() {
        return kernelName;
    }
}
