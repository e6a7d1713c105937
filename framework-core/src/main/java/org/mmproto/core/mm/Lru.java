package org.mmproto.core.mm;

/**
 * The LRU lists of every node ({@code lruvec} in {@code pglist_data}, no memcg): inactive and
 * active, anon and file, of folio heads. Folios are added at the head ({@code folio_add_lru},
 * inactive, as 6.12 adds new anon and page-cache folios), reclaim takes them from the tail, and
 * a folio leaves its list when its last reference goes (the free path calls {@link #del}).
 *
 * <p>Lists are intrusive and doubly linked, so add, del and move are O(1). The links live in
 * chunks of 512 pages allocated the first time a folio of the chunk joins a list: a node nobody
 * faults into costs nothing, a used chunk 9 bytes per page (two int links, one info byte: the
 * list, PG_referenced and the order). The memmap's own 9 bytes per page stay untouched, so the
 * free path pays one chunk lookup. Folio membership is this class's, not PG_lru's (tests clear
 * PG_lru to fake an isolated folio; the list must survive that).
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
    private static final int NONE = -1;
    /** info byte: bits 0-2 list + 1 (0 = on no list), bit 3 PG_referenced, bits 4-7 order. */
    private static final int LIST_MASK = 0x7;
    private static final int REFERENCED = 0x8;

    private final PhysicalMemory mem;
    private final Vec[] vecs;
    /** Pages per (zone id, list): NR_ZONE_INACTIVE_ANON and friends. */
    private final long[][] zonePages;

    /** One node's lists. */
    private static final class Vec {
        final long base;
        final int[][] next;
        final int[][] prev;
        final byte[][] info;
        final int[] head = {NONE, NONE, NONE, NONE};
        final int[] tail = {NONE, NONE, NONE, NONE};
        final long[] pages = new long[NR_LRU_LISTS];

        Vec(long base, long span) {
            this.base = base;
            int chunks = (int) ((span + CHUNK - 1) >>> CHUNK_SHIFT);
            next = new int[chunks][];
            prev = new int[chunks][];
            info = new byte[chunks][];
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
        this.zonePages = new long[mem.zones().size()][NR_LRU_LISTS];
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
        Zone z = mem.zoneOf(head);
        Vec v = vecs[z.nid];
        int off = (int) (head - v.base);
        int c = off >>> CHUNK_SHIFT;
        if (v.info[c] == null) {
            v.next[c] = new int[CHUNK];
            v.prev[c] = new int[CHUNK];
            v.info[c] = new byte[CHUNK];
        }
        int s = off & (CHUNK - 1);
        if ((v.info[c][s] & LIST_MASK) != 0) {
            throw new IllegalStateException(String.format("folio 0x%x is already on the %s list", head,
                    NAMES[(v.info[c][s] & LIST_MASK) - 1]));
        }
        v.info[c][s] = (byte) ((list + 1) | (order << 4));
        link(v, off, list);
        long nr = 1L << order;
        v.pages[list] += nr;
        zonePages[z.id][list] += nr;
    }

    /** lruvec_del_folio: the folio leaves its list (no-op when it is on none). */
    public void del(long head) {
        Zone z = mem.zoneOf(head);
        Vec v = vecs[z.nid];
        int off = (int) (head - v.base);
        byte[] inf = v.info[off >>> CHUNK_SHIFT];
        if (inf == null) {
            return;
        }
        int s = off & (CHUNK - 1);
        int list = (inf[s] & LIST_MASK) - 1;
        if (list < 0) {
            return;
        }
        unlink(v, off, list);
        long nr = 1L << ((inf[s] & 0xff) >>> 4);
        v.pages[list] -= nr;
        zonePages[z.id][list] -= nr;
        inf[s] = 0;
    }

    /** The list the folio is on, or -1. */
    public int listOf(long head) {
        Vec v = vecs[mem.zoneOf(head).nid];
        int off = (int) (head - v.base);
        byte[] inf = v.info[off >>> CHUNK_SHIFT];
        return inf == null ? -1 : (inf[off & (CHUNK - 1)] & LIST_MASK) - 1;
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
        return (info(head) & 0xff) >>> 4;
    }

    /** PG_referenced (kept here: the memmap's flag byte is full). */
    public boolean referenced(long head) {
        return (info(head) & REFERENCED) != 0;
    }

    public void setReferenced(long head, boolean on) {
        Vec v = vecs[mem.zoneOf(head).nid];
        int off = (int) (head - v.base);
        byte[] inf = v.info[off >>> CHUNK_SHIFT];
        if (inf == null || (inf[off & (CHUNK - 1)] & LIST_MASK) == 0) {
            throw new IllegalStateException(String.format("folio 0x%x is on no LRU list", head));
        }
        int s = off & (CHUNK - 1);
        inf[s] = (byte) (on ? inf[s] | REFERENCED : inf[s] & ~REFERENCED);
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
        int p = v.prev[off >>> CHUNK_SHIFT][off & (CHUNK - 1)];
        return p == NONE ? -1 : v.base + p;
    }

    /** Pages on the node's list. */
    public long pages(int nid, int list) {
        return vecs[nid].pages[list];
    }

    /** Pages of the zone on {@code list} (NR_ZONE_*). */
    public long zonePages(Zone z, int list) {
        return zonePages[z.id][list];
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

    private byte info(long head) {
        Vec v = vecs[mem.zoneOf(head).nid];
        int off = (int) (head - v.base);
        byte[] inf = v.info[off >>> CHUNK_SHIFT];
        return inf == null ? 0 : inf[off & (CHUNK - 1)];
    }

    /** list_add: at the head, which is the newest end; prev points to newer, next to older. */
    private static void link(Vec v, int off, int list) {
        int h = v.head[list];
        set(v.next, off, h);
        set(v.prev, off, NONE);
        if (h != NONE) {
            set(v.prev, h, off);
        } else {
            v.tail[list] = off;
        }
        v.head[list] = off;
    }

    private static void unlink(Vec v, int off, int list) {
        int n = get(v.next, off);
        int p = get(v.prev, off);
        if (p != NONE) {
            set(v.next, p, n);
        } else {
            v.head[list] = n;
        }
        if (n != NONE) {
            set(v.prev, n, p);
        } else {
            v.tail[list] = p;
        }
    }

    private static int get(int[][] a, int off) {
        return a[off >>> CHUNK_SHIFT][off & (CHUNK - 1)];
    }

    private static void set(int[][] a, int off, int val) {
        a[off >>> CHUNK_SHIFT][off & (CHUNK - 1)] = val;
    }
}
