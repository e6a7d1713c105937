package org.mmproto.core.mm;

import org.mmproto.api.FreePath;

/**
 * Folio release, after {@code mm/swap.c}: {@code folio_put}, the batched {@code folios_put_refs},
 * the split of a large folio into order-0 pages ({@code __split_huge_page}'s refcount and mapcount
 * hand-off), and the free gate (the RFC's free_folio seam) that may keep a private node's folio
 * from the buddy allocator until its driver releases it. The {@link PageAllocator} allocates and
 * frees pages; everything about when a folio's last reference is gone lives here.
 *
 * <p>Hot paths work on the memmap arrays directly and allocate nothing.
 */
public final class FolioRelease {
    private final PageAllocator alloc;
    private final org.mmproto.core.trace.Tracer tracer;
    private final Node[] nodes;
    private final long[] freesByPath = new long[FreePath.values().length];
    private final long[] keptFolios;
    private FreeGate freeGate;
    private Lru lru;
    private final DeferredSplitQueue deferredSplit;

    /**
     * Asked when a folio reaches refcount zero, before it returns to the buddy allocator: the
     * free-notification seam (the RFC's free_folio). Answering true keeps the folio allocated,
     * owned by whoever asked to keep it, until {@link #releaseKept(long)}.
     */
    @FunctionalInterface
    public interface FreeGate {
        boolean keep(long pfn, int order, int nid, FreePath path);
    }

    /** Releases the folios of {@code alloc}; also sees the last references {@code alloc.freePages} drops. */
    public FolioRelease(PageAllocator alloc) {
        this.alloc = alloc;
        this.tracer = alloc.memory().tracer();
        this.nodes = alloc.memory().nodes;
        this.keptFolios = new long[alloc.memory().nodeCount()];
        this.deferredSplit = new DeferredSplitQueue(alloc.memory());
        alloc.attach(this);
    }

    /** The nodes' deferred-split queues a large folio leaves when it is freed or split. */
    public DeferredSplitQueue deferredSplit() {
        return deferredSplit;
    }

    public void setFreeGate(FreeGate gate) {
        this.freeGate = gate;
    }

    /** The LRU lists a folio leaves when its last reference goes (__folio_put: lruvec_del_folio). */
    public void setLru(Lru lru) {
        this.lru = lru;
    }

    /**
     * {@code folio_put}: drops one reference; the last one returns the folio to the buddy
     * allocator by {@code path}.
     *
     * @return true when the folio was freed
     */
    public boolean folioPut(long pfn, FreePath path) {
        Zone z = alloc.headZone(pfn);
        int i = (int) (pfn - z.startPfn);
        if (--z.next[i] > 0) {
            return false;
        }
        return lastReference(z, i, PageState.order(z.state[i]), path, true);
    }

    /**
     * folios_put_refs for one entry of an unmap batch: drops {@code unmaps} mappings and
     * {@code refs} references in one step; the last reference frees the folio by {@code path}.
     *
     * @return true when the folio was freed
     */
    public boolean folioPutRefs(long pfn, int refs, int unmaps, FreePath path) {
        Zone z = alloc.headZone(pfn);
        int i = (int) (pfn - z.startPfn);
        int mc = (z.prev[i] & Memmap.MAPCOUNT_MASK) - unmaps;
        if (mc < 0) {
            throw new IllegalStateException(String.format("mapcount underflow on folio 0x%x", pfn));
        }
        z.prev[i] = (z.prev[i] & ~Memmap.MAPCOUNT_MASK) | mc;
        z.next[i] -= refs;
        if (z.next[i] > 0) {
            return false;
        }
        if (z.next[i] < 0) {
            throw new IllegalStateException(String.format("refcount underflow on folio 0x%x", pfn));
        }
        return lastReference(z, i, PageState.order(z.state[i]), path, true);
    }

    /**
     * __split_huge_page: turns the allocated large folio at {@code head} into order-0 folios.
     * Page i gets {@code refs[i]} references and {@code maps[i]} mappings (the caller counted
     * them from the page tables); the folio flags carry over. A page left with no reference is
     * not freed here: call {@link #putSplitPage} after telling whoever must hear of the split.
     */
    public void splitFolio(long head, int[] refs, int[] maps) {
        Zone z = alloc.headZone(head);
        int i = (int) (head - z.startPfn);
        byte s = z.state[i];
        int order = PageState.order(s);
        if (order == 0 || refs.length != 1 << order || maps.length != refs.length) {
            throw new IllegalArgumentException(String.format("cannot split folio 0x%x of order %d into %d pages",
                    head, order, refs.length));
        }
        if (z.prev[i + 1] != 0) {
            throw new IllegalStateException(String.format("splitting folio 0x%x while %d PMDs map it whole", head, z.prev[i + 1]));
        }
        deferredSplit.remove(head);
        int flags = z.prev[i] & ~Memmap.MAPCOUNT_MASK;
        int mt = PageState.migratetype(s);
        for (int k = 0; k < refs.length; k++) {
            z.state[i + k] = PageState.head(0, mt);
            z.next[i + k] = refs[k];
            z.prev[i + k] = flags | maps[k];
        }
        if (lru != null) {
            lru.split(head, order);
        }
    }

    /** Frees a page a split left without references (folio_put of the last reference). */
    public void putSplitPage(long pfn) {
        Zone z = alloc.headZone(pfn);
        int i = (int) (pfn - z.startPfn);
        if (z.next[i] != 0) {
            throw new IllegalStateException(String.format("page 0x%x still has %d references", pfn, z.next[i]));
        }
        lastReference(z, i, 0, FreePath.FOLIO_PUT, true);
    }

    /** Returns a folio kept by the free gate to the buddy allocator. */
    public void releaseKept(long pfn) {
        Zone z = alloc.headZone(pfn);
        int i = (int) (pfn - z.startPfn);
        if ((z.prev[i] & Memmap.PG_KEPT) == 0) {
            throw new BadFreeException(pfn, "not a folio kept by its driver");
        }
        keptFolios[z.nid]--;
        lastReference(z, i, PageState.order(z.state[i]), FreePath.FREE_PAGES, false);
    }

    /** Folios of the node kept by the free gate (not yet released). */
    public long keptFolios(int nid) {
        return keptFolios[nid];
    }

    /** Folios freed through {@code path} since boot. */
    public long freesByPath(FreePath path) {
        return freesByPath[path.ordinal()];
    }

    /** Frees a folio whose last reference is gone; returns false if the free gate kept it. */
    boolean lastReference(Zone z, int i, int order, FreePath path, boolean askGate) {
        if (lru != null) {
            lru.del(z, z.startPfn + i);
        }
        if (order > 0) {
            deferredSplit.remove(z.startPfn + i); // folio_undo_large_rmappable
        }
        // only private nodes have anyone to ask; ordinary frees skip the gate
        if (askGate && freeGate != null && nodes[z.nid].isPrivate
                && freeGate.keep(z.startPfn + i, order, z.nid, path)) {
            z.next[i] = 1;
            z.prev[i] |= Memmap.PG_KEPT;
            keptFolios[z.nid]++;
            return false;
        }
        alloc.freeFolio(z, i, order);
        freesByPath[path.ordinal()]++;
        if (path == FreePath.FOLIOS_PUT && Pcp.allowedOrder(order)
                && tracer.on(org.mmproto.core.trace.Tracepoint.MM_PAGE_FREE_BATCHED)) {
            // free_unref_folios: the batch's per-CPU frees, after free_pages_prepare's mm_page_free
            long pfn = z.startPfn + i;
            tracer.emit(org.mmproto.core.trace.Tracepoint.MM_PAGE_FREE_BATCHED, z.nid,
                    org.mmproto.core.trace.Tracer.page(pfn), pfn);
        }
        return true;
    }
}
