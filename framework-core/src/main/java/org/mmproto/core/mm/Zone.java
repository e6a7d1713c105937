package org.mmproto.core.mm;

import java.util.Arrays;
import org.mmproto.api.MigrateType;
import org.mmproto.api.ZoneType;

/**
 * {@code struct zone}: a pfn range of one node with its memmap, free area, watermarks and
 * lowmem reserve. Free lists are intrusive doubly linked lists threaded through the memmap's
 * {@code next}/{@code prev} arrays (zone-relative indices, -1 = none), as {@code page->buddy_list}
 * threads through {@code struct page}.
 */
public final class Zone {
    public static final int MAX_PAGE_ORDER = 10;
    public static final int NR_PAGE_ORDERS = MAX_PAGE_ORDER + 1;
    public static final int PAGEBLOCK_ORDER = 9;
    public static final int PAGEBLOCK_NR_PAGES = 1 << PAGEBLOCK_ORDER;
    public static final int PAGE_ALLOC_COSTLY_ORDER = 3;
    static final int NR_LISTS = MigrateType.MIGRATE_TYPES;

    public static final int WMARK_MIN = 0;
    public static final int WMARK_LOW = 1;
    public static final int WMARK_HIGH = 2;
    public static final int WMARK_PROMO = 3;

    final int nid;
    /** The kernel's tracer (PhysicalMemory.instrument), for the buddy allocator's static paths. */
    org.mmproto.core.trace.Tracer tracer = org.mmproto.core.trace.Tracer.OFF;
    final ZoneType type;
    final int zoneIdx;
    /** Global index in the machine's zone table. */
    final int id;
    final long startPfn;
    /**
     * The zone's span: its capacity while the memory is online, 0 while it is offline (a
     * hot-pluggable node's memory present but not onlined into this zone; the span grows at
     * online as move_pfn_range_to_zone does, and shrinks at offline).
     */
    int spannedPages;
    /** Pages the memmap below holds: the span once onlined. */
    final int capacity;

    // memmap: 9 bytes per page
    final int[] next;
    final int[] prev;
    final byte[] state;
    /** Migratetype per pageblock; index = (pfn >> PAGEBLOCK_ORDER) - firstBlock. */
    final byte[] pageblockMt;
    final long firstBlock;

    /** free_area[order].free_list[mt] heads, index order * NR_LISTS + mt. */
    final int[] freeHead;
    /** free_area[order].nr_free (blocks). */
    final long[] nrFree;
    /** Blocks per (order, mt), for /proc/pagetypeinfo. */
    final long[] nrFreeByType;
    /** NR_FREE_PAGES. */
    long freePages;
    /** Pages taken out of the free lists at boot without an allocation ({@link ReservedPages}). */
    long reservedPages;
    /** Pages compaction's free scanner isolated ({@link CompactionPages#freeIsolated}). */
    long compactFreeIsolated;

    /** The running CPU's per_cpu_pages (one pageset per zone is modelled), null when PCP is off. */
    Pcp pcp;
    /** ZONE_BELOW_HIGH: free pages fell below the high watermark (shrinks pcp high). */
    boolean belowHigh;

    /** _watermark[]: the marks __setup_per_zone_wmarks computed; {@link #watermark} adds the boost. */
    final long[] watermark = new long[4];
    /** watermark_boost: raised above the marks (CRAM's pressure under RFC v4), ZONE_BOOSTED_WATERMARK when > 0. */
    long watermarkBoost;
    final long[] lowmemReserve = new long[ZoneType.MAX_NR_ZONES];

    Zone(int id, int nid, ZoneType type, long startPfn, int spannedPages) {
        this.id = id;
        this.nid = nid;
        this.type = type;
        this.zoneIdx = type.ordinal();
        this.startPfn = startPfn;
        this.spannedPages = spannedPages;
        this.capacity = spannedPages;
        this.next = new int[spannedPages];
        this.prev = new int[spannedPages];
        this.state = new byte[spannedPages];
        this.firstBlock = startPfn >> PAGEBLOCK_ORDER;
        long lastBlock = spannedPages == 0 ? firstBlock - 1 : (startPfn + spannedPages - 1) >> PAGEBLOCK_ORDER;
        this.pageblockMt = new byte[(int) (lastBlock - firstBlock + 1)];
        // Boot marks every pageblock MOVABLE (memmap_init_range).
        Arrays.fill(pageblockMt, (byte) MigrateType.MOVABLE.ordinal());
        this.freeHead = new int[NR_PAGE_ORDERS * NR_LISTS];
        Arrays.fill(freeHead, -1);
        this.nrFree = new long[NR_PAGE_ORDERS];
        this.nrFreeByType = new long[NR_PAGE_ORDERS * NR_LISTS];
    }

    public int nid() {
        return nid;
    }

    public ZoneType type() {
        return type;
    }

    public long startPfn() {
        return startPfn;
    }

    public long endPfn() {
        return startPfn + spannedPages;
    }

    public long spannedPages() {
        return spannedPages;
    }

    /** No holes and no memblock reservations are modelled: present = managed = spanned. */
    public long presentPages() {
        return spannedPages;
    }

    public long managedPages() {
        return spannedPages;
    }

    public boolean populated() {
        return spannedPages > 0;
    }

    /** Pages the zone spans once onlined (its span now, or the offline memory it can take). */
    public long capacityPages() {
        return capacity;
    }

    /** Whether the zone's memory is online (a zone with no memory at all is never online). */
    public boolean online() {
        return spannedPages > 0;
    }

    /** Onlines or offlines the whole capacity (MemoryOnline does the buddy side). */
    void setSpanned(boolean online) {
        this.spannedPages = online ? capacity : 0;
    }

    public boolean spans(long pfn) {
        return pfn >= startPfn && pfn < startPfn + spannedPages;
    }

    public long freePages() {
        return freePages;
    }

    /** Pages sitting on the per-CPU lists: free, but not in NR_FREE_PAGES nor in buddyinfo. */
    public long pcpPages() {
        return pcp == null ? 0 : pcp.count;
    }

    public Pcp pcp() {
        return pcp;
    }

    /** wmark_pages: the mark plus watermark_boost. */
    public long watermark(int which) {
        return watermark[which] + watermarkBoost;
    }

    public long watermarkBoost() {
        return watermarkBoost;
    }

    public long lowmemReserve(int highestZoneIdx) {
        return lowmemReserve[highestZoneIdx];
    }

    /** free_area[order].nr_free: free blocks (not pages) of that order. */
    public long nrFree(int order) {
        return nrFree[order];
    }

    public long nrFree(int order, int mt) {
        return nrFreeByType[order * NR_LISTS + mt];
    }

    public int pageblockMigratetype(long pfn) {
        return pageblockMt[(int) ((pfn >> PAGEBLOCK_ORDER) - firstBlock)];
    }

    public int pageblockCount() {
        return pageblockMt.length;
    }

    /** Pageblocks whose migratetype is {@code mt}, for the pagetypeinfo block section. */
    public long pageblocksOfType(int mt) {
        long n = 0;
        for (byte b : pageblockMt) {
            if (b == mt) {
                n++;
            }
        }
        return n;
    }

    /** Bytes of simulated memmap and free-area state held for this zone. */
    public long memmapBytes() {
        return 4L * next.length + 4L * prev.length + state.length + pageblockMt.length
                + 4L * freeHead.length + 8L * nrFree.length + 8L * nrFreeByType.length;
    }

    @Override
    public String toString() {
        return "Node " + nid + " zone " + type.procName();
    }

    // ---- free list primitives (zone-relative index i) ----

    void addToFreeList(int i, int order, int mt, boolean tail) {
        int list = order * NR_LISTS + mt;
        int head = freeHead[list];
        state[i] = PageState.buddy(order, mt);
        if (head < 0) {
            next[i] = i;
            prev[i] = i;
            freeHead[list] = i;
        } else {
            // circular list: head's prev is the tail
            int last = prev[head];
            next[i] = head;
            prev[i] = last;
            next[last] = i;
            prev[head] = i;
            if (!tail) {
                freeHead[list] = i;
            }
        }
        nrFree[order]++;
        nrFreeByType[list]++;
    }

    void delFromFreeList(int i, int order, int mt) {
        int list = order * NR_LISTS + mt;
        int n = next[i];
        if (n == i) {
            freeHead[list] = -1;
        } else {
            int p = prev[i];
            next[p] = n;
            prev[n] = p;
            if (freeHead[list] == i) {
                freeHead[list] = n;
            }
        }
        state[i] = PageState.INSIDE;
        nrFree[order]--;
        nrFreeByType[list]--;
    }

    void setPageblockMt(long pfn, int mt) {
        pageblockMt[(int) ((pfn >> PAGEBLOCK_ORDER) - firstBlock)] = (byte) mt;
    }
}
