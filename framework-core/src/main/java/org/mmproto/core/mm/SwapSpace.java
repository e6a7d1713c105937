package org.mmproto.core.mm;

import java.util.BitSet;

/**
 * The swap device ({@code swap_info_struct}, one swap file, mm/swapfile.c): slots of one page,
 * each with its {@code swap_map} count (the page-table entries that hold it). Slot 0 is the
 * swap header, so a device of N pages offers N - 1 slots, as {@code SwapTotal} shows. Slots are
 * handed out lowest first. Before {@link #swapon} there is no swap (SwapTotal 0).
 */
public final class SwapSpace {
    private int[] count = new int[0];
    /** The content kind of each slot's page (the dispatcher's code, 0 unspecified), kept while the slot is in use. */
    private byte[] content = new byte[0];
    private final BitSet free = new BitSet();
    private long slots;
    private long used;

    /** swapon of a swap file of {@code pages} pages (the header page included). */
    public void swapon(long pages) {
        if (slots > 0) {
            throw new IllegalStateException("a swap device is already on");
        }
        if (pages < 2 || pages > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a swap file needs 2 to 2^31-1 pages, not " + pages);
        }
        count = new int[(int) pages];
        content = new byte[(int) pages];
        free.set(1, (int) pages);
        slots = pages - 1;
    }

    /** total_swap_pages. */
    public long totalPages() {
        return slots;
    }

    /** get_nr_swap_pages(): free slots. */
    public long freePages() {
        return slots - used;
    }

    /** folio_alloc_swap for one page: a free slot with count 1, or -1 when swap is full. */
    public long alloc() {
        int s = free.nextSetBit(1);
        if (s < 0) {
            return -1;
        }
        free.clear(s);
        count[s] = 1;
        used++;
        return s;
    }

    /** swap_duplicate: one more entry (fork) refers to the slot. */
    public void dup(long slot) {
        check(slot);
        count[(int) slot]++;
    }

    /** Adds {@code n} references to a slot just allocated (an entry per mapping of the page). */
    public void addRefs(long slot, int n) {
        check(slot);
        count[(int) slot] += n;
    }

    /** swap_free: one entry fewer; the slot returns to the device at zero. */
    public void put(long slot) {
        check(slot);
        if (--count[(int) slot] == 0) {
            content[(int) slot] = 0;
            free.set((int) slot);
            used--;
        }
    }

    /** The swapped-out page's content kind goes with its slot (a code the writer chose; 0 unknown). */
    public void setContent(long slot, byte code) {
        check(slot);
        content[(int) slot] = code;
    }

    /** The content code of a slot in use, 0 for a free one. */
    public byte content(long slot) {
        return slot > 0 && slot < content.length ? content[(int) slot] : 0;
    }

    /** The slot's swap_map count (0 = free). */
    public int count(long slot) {
        return slot > 0 && slot < count.length ? count[(int) slot] : 0;
    }

    private void check(long slot) {
        if (slot <= 0 || slot >= count.length || count[(int) slot] <= 0) {
            throw new IllegalStateException("swap slot " + slot + " is not in use");
        }
    }
}
