package org.mmproto.core.mm;

/**
 * The LRU lists of every node ({@code lruvec} in {@code pglist_data}, no memcg): inactive and
 * active, anon and file, of folio heads. Folios are added at the head ({@code folio_add_lru},
 * inactive, as 6.12 adds new anon and page-cache folios), reclaim takes them from the tail, and
 * a folio leaves its list when its last reference goes (the free path calls {@link #del}).
 *
 * <p>Lists are intrusive and doubly linked, so add, del and move are O(1). The links live in
 * chunks of 512 pages allocated the first time a folio of the chunk joins a list: a node nobody
 * faults into costs nothing, a used chunk 12 bytes per page, kept together in one int array
 * (next, prev and an info word: the list, PG_referenced and the order), so one page's LRU state
 * is one cache line and one chunk lookup. The memmap's own 9 bytes per page stay untouched.
 * Folio membership is this class's, not PG_lru's (tests clear PG_lru to fake an isolated folio;
 * the list must survive that).
 */
public final class Lru {
    public static final int INACTIVE_ANON = 0;
    public static final int ACTIVE_ANON = 1;
    public static final int INACTIVE_FILE = 2;
    public static final int ACTIVE_FILE = 3;
    public static final int NR_LRU_LISTS = 4;
    private static final String[] NAMES = {"inactive_anon", "active_anon", "inactive_file", "active_file"};

    private static final int CHUNK_SHIFT = 9;
    private static final int CHUNK = 1 << CHUNK_SHIFT;
    private static final int SLOT_MASK = CHUNK - 1;
    /** Ints per page in a chunk: next, prev, info. */
    private static final int STRIDE = 3;
    private static final int NEXT = 0;
    private static final int PREV = 1;
    private static final int INFO = 2;
    private static final int NONE = -1;
    /** info word: bits 0-2 list + 1 (0 = on no list), bit 3 PG_referenced, bits 4-7 order. */
    private static final int LIST_MASK = 0x7;
    private static final int REFERENCED = 0x8;

    private final PhysicalMemory mem;
    private final Vec[] vecs;
    /** Pages per (zone id, list) at zone id * NR_LRU_LISTS + list: NR_ZONE_INACTIVE_ANON and friends. */
    private final long[] zonePages;

    /** One node's lists. */
    private static final class Vec {
        final long base;
        /** Per chunk of 512 pages: STRIDE ints per page (null until a folio of the chunk is listed). */
        final int[][] chunks;
        final int[] head = {NONE, NONE, NONE, NONE};
        final int[] tail = {NONE, NONE, NONE, NONE};
        final long[] pages = new long[NR_LRU_LISTS];

        Vec(long base, long span) {
            this.base = base;
            chunks = new int[(int) ((span + CHUNK - 1) >>> CHUNK_SHIFT)][];
        }

        /** The chunk of a listed page (its chunk exists). */
        int[] chunk(int off) {
            return chunks[off >>> CHUNK_SHIFT];
        }

        static int slot(int off) {
            return (off & SLOT_MASK) * STRIDE;
        }
    }

    public Lru(PhysicalMemory mem) {
        this.mem = mem;
        this.vecs = new Vec[mem.nodeCount()];
        for (Node n : mem.nodes()) {
            long lo = Long.MAX_VALUE;
            long hi = 0;
            for (Zone z : n.zones) {
                if (z.capacity > 0) { // offline memory too: it may be onlined later
                    lo = Math.min(lo, z.startPfn);
                    hi = Math.max(hi, z.startPfn + z.capacity);
                }
            }
            vecs[n.nid] = lo == Long.MAX_VALUE ? new Vec(0, 0) : new Vec(lo, hi - lo);
        }
        this.zonePages = new long[mem.zones().size() * NR_LRU_LISTS];
    }

    public static String name(int list) {
        return NAMES[list];
    }

    public static boolean isActive(int list) {
        return (list & 1) != 0;
    }

    public static boolean isFile(int list) {
        return list >= INACTIVE_FILE;
    }

    /** folio_add_lru: the folio at {@code head} (allocated, order {@code order}) joins the head of an inactive list. */
    public void add(long head, int order, boolean file) {
        addTo(head, order, file ? INACTIVE_FILE : INACTIVE_ANON);
    }

    /** Adds the folio to the head of {@code list} (a migrated folio keeps its list). */
    public void addTo(long head, int order, int list) {
        addTo(mem.zoneOf(head), head, order, list);
    }

    /** folio_add_lru for a folio of zone {@code z} the caller already looked up (the fault path). */
    public void add(Zone z, long head, int order, boolean file) {
        addTo(z, head, order, file ? INACTIVE_FILE : INACTIVE_ANON);
    }

    private void addTo(Zone z, long head, int order, int list) {
        Vec v = vecs[z.nid];
        int off = (int) (head - v.base);
        int[] c = v.chunks[off >>> CHUNK_SHIFT];
        if (c == null) {
            c = new int[CHUNK * STRIDE];
            v.chunks[off >>> CHUNK_SHIFT] = c;
        }
        int s = Vec.slot(off);
        int info = c[s + INFO];
        if ((info & LIST_MASK) != 0) {
            throw new IllegalStateException(String.format("folio 0x%x is already on the %s list", head,
                    NAMES[(info & LIST_MASK) - 1]));
        }
        c[s + INFO] = (list + 1) | (order << 4);
        // list_add: at the head, which is the newest end; prev points to newer, next to older
        int h = v.head[list];
        c[s + NEXT] = h;
        c[s + PREV] = NONE;
        if (h != NONE) {
            v.chunk(h)[Vec.slot(h) + PREV] = off;
        } else {
            v.tail[list] = off;
        }
        v.head[list] = off;
        long nr = 1L << order;
        v.pages[list] += nr;
        zonePages[z.id * NR_LRU_LISTS + list] += nr;
    }

    /** lruvec_del_folio: the folio leaves its list (no-op when it is on none). */
    public void del(long head) {
        del(mem.zoneOf(head), head);
    }

    /** lruvec_del_folio for a folio of zone {@code z} (the free path has it at hand). */
    void del(Zone z, long head) {
        Vec v = vecs[z.nid];
        int off = (int) (head - v.base);
        int[] c = v.chunks[off >>> CHUNK_SHIFT];
        if (c == null) {
            return;
        }
        int s = Vec.slot(off);
        int info = c[s + INFO];
        int list = (info & LIST_MASK) - 1;
        if (list < 0) {
            return;
        }
        int n = c[s + NEXT];
        int p = c[s + PREV];
        if (p != NONE) {
            v.chunk(p)[Vec.slot(p) + NEXT] = n;
        } else {
            v.head[list] = n;
        }
        if (n != NONE) {
            v.chunk(n)[Vec.slot(n) + PREV] = p;
        } else {
            v.tail[list] = p;
        }
        long nr = 1L << (info >>> 4);
        v.pages[list] -= nr;
        zonePages[z.id * NR_LRU_LISTS + list] -= nr;
        c[s + INFO] = 0;
    }

    /** The list the folio is on, or -1. */
    public int listOf(long head) {
        return (info(head) & LIST_MASK) - 1;
    }

    /** Moves a listed folio to the head of {@code list} (activate, deactivate, rotate). */
    public void move(long head, int list) {
        int order = orderOf(head);
        boolean ref = referenced(head);
        del(head);
        addTo(head, order, list);
        if (ref) {
            setReferenced(head, true);
        }
    }

    /** The order the folio had when it joined its list. */
    public int orderOf(long head) {
        return info(head) >>> 4;
    }

    /** PG_referenced (kept here: the memmap's flag byte is full). */
    public boolean referenced(long head) {
        return (info(head) & REFERENCED) != 0;
    }

    public void setReferenced(long head, boolean on) {
        Vec v = vecs[mem.zoneOf(head).nid];
        int off = (int) (head - v.base);
        int[] c = v.chunks[off >>> CHUNK_SHIFT];
        int s = Vec.slot(off) + INFO;
        if (c == null || (c[s] & LIST_MASK) == 0) {
            throw new IllegalStateException(String.format("folio 0x%x is on no LRU list", head));
        }
        c[s] = on ? c[s] | REFERENCED : c[s] & ~REFERENCED;
    }

    /** The oldest folio of the node's list, or -1 when it is empty. */
    public long tail(int nid, int list) {
        Vec v = vecs[nid];
        return v.tail[list] == NONE ? -1 : v.base + v.tail[list];
    }

    /** The folio after {@code head} towards the list's head (newer), or -1. */
    public long newer(long head) {
        Vec v = vecs[mem.zoneOf(head).nid];
        int off = (int) (head - v.base);
        int p = v.chunk(off)[Vec.slot(off) + PREV];
        return p == NONE ? -1 : v.base + p;
    }

    /** Pages on the node's list. */
    public long pages(int nid, int list) {
        return vecs[nid].pages[list];
    }

    /** Pages of the zone on {@code list} (NR_ZONE_*). */
    public long zonePages(Zone z, int list) {
        return zonePages[z.id * NR_LRU_LISTS + list];
    }

    /**
     * lru_add_split_folio: the large folio at {@code head} (order {@code order} when listed) is now
     * {@code 1 << order} order-0 folios; each tail page joins its head's list right after it.
     */
    public void split(long head, int order) {
        int list = listOf(head);
        if (list < 0) {
            return;
        }
        boolean ref = referenced(head);
        del(head);
        for (int i = (1 << order) - 1; i >= 0; i--) {
            addTo(head + i, 0, list);
            if (ref) {
                setReferenced(head + i, true);
            }
        }
    }

    /** The info word of the page at head (0 when its chunk was never used). */
    private int info(long head) {
        Vec v = vecs[mem.zoneOf(head).nid];
        int off = (int) (head - v.base);
        int[] c = v.chunks[off >>> CHUNK_SHIFT];
        return c == null ? 0 : c[Vec.slot(off) + INFO];
    }
}
