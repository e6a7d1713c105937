package org.mmproto.core.mm;

/** Freeing something that is not an allocated folio (double free, wrong order, a hole). */
public final class BadFreeException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final long pfn;

    public BadFreeException(long pfn, String why) {
        super(String.format("bad free of pfn 0x%x: %s", pfn, why));
        this.pfn = pfn;
    }

    public long pfn() {
        return pfn;
    }
}
