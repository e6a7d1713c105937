package org.mmproto.core.task;

import java.util.List;
import org.mmproto.core.mm.Memmap;

/**
 * Folio lookups over the page tables: the head of the folio an entry or a pfn belongs to, and
 * the on-demand reverse map ({@link Mappings}) over every task and memfd.
 */
public final class Rmap {
    private final Memmap memmap;
    private final Tasks tasks;

    public Rmap(Memmap memmap, Tasks tasks) {
        this.memmap = memmap;
        this.tasks = tasks;
    }

    /**
     * The head of the folio a present entry maps: only THP entries (Pte.HUGE) map large folios,
     * so every other entry maps an order-0 folio whose head is its own pfn.
     */
    public long folioHead(long pte) {
        long pfn = Pte.pfn(pte);
        return (pte & Pte.HUGE) == 0 ? pfn : headOf(pfn);
    }

    /** The head pfn of the folio containing pfn (walks back to the head of a large folio). */
    public long headOf(long pfn) {
        for (int o = 0; o <= 10; o++) {
            long head = pfn & -(1L << o);
            if (memmap.isFolioHead(head) && memmap.order(head) >= o) {
                return head;
            }
        }
        throw new IllegalStateException(String.format("pfn 0x%x is in no allocated folio", pfn));
    }

    /** rmap_walk for {@code folioHeads}: every entry and page-cache slot that maps them. */
    public Mappings index(List<Long> folioHeads) {
        return Mappings.index(this, tasks, folioHeads);
    }
}
