package org.mmproto.samples.cram;

import org.mmproto.api.driver.DeviceStore.Content;

/**
 * The compression device's own view of its memory: the compressed bytes each page's data takes
 * (pages never written or scrubbed take none), their sum against the physical backing, and the
 * pages whose data arrived when no backing was left — poison (the thread's "OOM = poison"). A
 * store replaces the page's old data; a scrub zeroes it.
 */
final class CompressedDevice {
    private final long physicalBytes;
    private final ContentModel content;
    /** Compressed bytes per written page; a poisoned page holds nothing the device could keep. */
    private final PageTable table = new PageTable();
    private long usedBytes;
    private long logicalPages;
    private long poisonPages;
    private long stores;
    private long staleArrivals;

    CompressedDevice(long physicalBytes, ContentModel content) {
        this.physicalBytes = physicalBytes;
        this.content = content;
    }

    /** {@code pages} pages from {@code pfn} now hold data of kind {@code kind}. */
    void store(long pfn, long pages, Content kind) {
        store(pfn, pages, kind, false);
    }

    /**
     * As {@link #store(long, long, Content)}; {@code arrival}: the data is a new folio's (a
     * migration copy, a swap-in), so a page still holding its previous owner's data was reused
     * without a scrub — counted in {@link #staleArrivals()}.
     */
    void store(long pfn, long pages, Content kind, boolean arrival) {
        for (long p = pfn; p < pfn + pages; p++) {
            stores++;
            long packed = table.get(p);
            if (arrival && PageTable.bytes(packed) > 0) {
                staleArrivals++;
            }
            long gen = PageTable.generation(packed) + 1;
            Content c = kind == Content.UNSPECIFIED ? content.draw(p, gen) : kind;
            int size = content.compressedBytes(c);
            int old = PageTable.bytes(packed);
            if (old > 0) {
                usedBytes -= old;
                logicalPages--;
            }
            if (usedBytes + size > physicalBytes) {
                poisonPages++; // the media has no backing left for this data
                size = 0;
            } else if (size > 0) {
                usedBytes += size;
                logicalPages++;
            }
            table.put(p, PageTable.pack(gen, size));
        }
    }

    /** The pages' data is zeroed (CPU scrub, media sanitize or trim): their backing is released. */
    void release(long pfn, long pages) {
        for (long p = pfn; p < pfn + pages; p++) {
            long packed = table.get(p);
            int old = PageTable.bytes(packed);
            if (old > 0) {
                usedBytes -= old;
                logicalPages--;
                table.put(p, PageTable.pack(PageTable.generation(packed), 0));
            }
        }
    }

    long usedBytes() {
        return usedBytes;
    }

    long freeBytes() {
        return physicalBytes - usedBytes;
    }

    long physicalBytes() {
        return physicalBytes;
    }

    /** Pages holding compressed data (not zero, not poisoned). */
    long logicalPages() {
        return logicalPages;
    }

    long poisonPages() {
        return poisonPages;
    }

    long stores() {
        return stores;
    }

    /** Pages a new folio's data reached while they still held a freed folio's data (never scrubbed). */
    long staleArrivals() {
        return staleArrivals;
    }

    /** Whether {@code pages} pages of the worst kind (incompressible) still fit. */
    boolean fitsWorstCase(long pages) {
        return freeBytes() >= pages * ContentModel.PAGE;
    }
}
