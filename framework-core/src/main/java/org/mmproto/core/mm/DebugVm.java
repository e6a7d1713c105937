package org.mmproto.core.mm;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.mmproto.api.MigrateType;
import org.mmproto.api.ZoneType;
import org.mmproto.core.stats.VmStat;

/**
 * CONFIG_DEBUG_VM for the simulator: proves that every page is in exactly one state (inside one
 * free block on one free list at one order, or part of exactly one folio), that the free lists
 * are well formed, that no two free buddies were left unmerged, and that the counters equal the
 * sum of page states.
 */
public final class DebugVm {
    /** One broken invariant; {@code pfn} is -1 when it is about a counter. */
    public record Violation(String kind, long pfn, String detail) {
        @Override
        public String toString() {
            return pfn >= 0 ? String.format("%s at pfn 0x%x: %s", kind, pfn, detail) : kind + ": " + detail;
        }
    }

    private static final int MAX_REPORTED = 50;

    private DebugVm() {
    }

    /** Checks every zone and the counters, NR_PAGETABLE of each node included. */
    public static List<Violation> check(PhysicalMemory mem) {
        List<Violation> out = new ArrayList<>();
        long[] tables = new long[mem.nodeCount()];
        for (Zone z : mem.zones()) {
            tables[z.nid] += checkZone(z, out);
        }
        checkCounters(mem, out);
        for (Node n : mem.nodes()) {
            long counted = n.vmstat(VmStat.NR_PAGE_TABLE_PAGES);
            if (counted != tables[n.nid]) {
                out.add(new Violation("counter", -1, "node " + n.nid + " nr_page_table_pages = " + counted
                        + " but " + tables[n.nid] + " pages are page tables (PG_table)"));
            }
        }
        return capped(out);
    }

    /**
     * Checks one zone and the counters: enough after an operation that touched only that zone,
     * since no other zone's pages can have changed.
     */
    public static List<Violation> check(PhysicalMemory mem, Zone touched) {
        List<Violation> out = new ArrayList<>();
        checkZone(touched, out);
        checkCounters(mem, out);
        return capped(out);
    }

    private static List<Violation> capped(List<Violation> out) {
        return out.size() > MAX_REPORTED ? out.subList(0, MAX_REPORTED) : out;
    }

    /**
     * Allocation and free events must add up to the pages the zones hold in folios, per node
     * (pgalloc_* is counted per zone, but 6.12's pgfree is one event counter with no zone, so a
     * node's pgalloc_* sum against its pgfree is as fine as the check can be). Reserved pages
     * never pass the allocator. Pages compaction's free scanner isolated never count in pgalloc_*
     * (isolate_freepages_block is no rmqueue) while each is later counted in pgfree, as a used
     * target when its folio is freed or at once by release_free_list when unused; so each such
     * page lowers pgalloc_* - pgfree by one against the folios.
     */
    private static void checkCounters(PhysicalMemory mem, List<Violation> out) {
        for (Node n : mem.nodes()) {
            long inFolios = 0;
            long compactionTaken = 0;
            long pgalloc = 0;
            for (Zone z : n.zones) {
                inFolios += z.managedPages() - z.freePages - z.pcpPages() - z.reservedPages;
                compactionTaken += z.compactFreeIsolated;
                pgalloc += n.vmstat(VmStat.pgalloc(z.zoneIdx));
            }
            long pgfree = n.vmstat(VmStat.PGFREE);
            if (pgalloc - pgfree != inFolios - compactionTaken) {
                out.add(new Violation("counter", -1, "node " + n.nid + ": pgalloc_* - pgfree = " + (pgalloc - pgfree)
                        + " but " + inFolios + " pages are in allocated folios and compaction isolated "
                        + compactionTaken + " free pages"));
            }
        }
    }

    /** Checks one zone; returns its page-table pages (order-0 folios marked PG_table). */
    private static long checkZone(Zone z, List<Violation> out) {
        int n = z.spannedPages;
        BitSet inFreeBlock = new BitSet(n);
        long freePages = 0;
        for (int o = 0; o < Zone.NR_PAGE_ORDERS; o++) {
            long blocksThisOrder = 0;
            for (int mt = 0; mt < Zone.NR_LISTS; mt++) {
                int list = o * Zone.NR_LISTS + mt;
                int head = z.freeHead[list];
                long count = 0;
                if (head >= 0) {
                    int i = head;
                    do {
                        if (i < 0 || i >= n) {
                            out.add(new Violation("free list", -1, z + " order " + o + " " + MigrateType.of(mt).procName()
                                    + " list links outside the zone (index " + i + ")"));
                            break;
                        }
                        long pfn = z.startPfn + i;
                        byte s = z.state[i];
                        if (PageState.kind(s) != PageState.BUDDY || PageState.order(s) != o || PageState.migratetype(s) != mt) {
                            out.add(new Violation("free list", pfn, "on the order-" + o + " " + MigrateType.of(mt).procName()
                                    + " list of " + z + " but the page is " + PageState.describe(s)));
                        }
                        if ((pfn & ((1L << o) - 1)) != 0) {
                            out.add(new Violation("alignment", pfn, "order-" + o + " free block not naturally aligned"));
                        }
                        if (i + (1 << o) > n) {
                            out.add(new Violation("free list", pfn, "order-" + o + " block runs past the end of " + z));
                        } else if (!inFreeBlock.get(i, i + (1 << o)).isEmpty()) {
                            out.add(new Violation("double free", pfn, "order-" + o + " block overlaps another free block"));
                        } else {
                            inFreeBlock.set(i, i + (1 << o));
                        }
                        int blockMt = z.pageblockMigratetype(pfn);
                        if (blockMt != mt) {
                            out.add(new Violation("migratetype", pfn, "free on the " + MigrateType.of(mt).procName()
                                    + " list but its pageblock is " + MigrateType.of(blockMt).procName()));
                        }
                        if (z.prev[z.next[i]] != i) {
                            out.add(new Violation("free list", pfn, "broken links (next.prev != self)"));
                            break;
                        }
                        count++;
                        freePages += 1L << o;
                        if (count > n) {
                            out.add(new Violation("free list", pfn, "cycle in free list"));
                            break;
                        }
                        i = z.next[i];
                    } while (i != head);
                }
                if (count != z.nrFreeByType[list]) {
                    out.add(new Violation("counter", -1, z + " order " + o + " " + MigrateType.of(mt).procName()
                            + ": list holds " + count + " blocks, counter says " + z.nrFreeByType[list]));
                }
                blocksThisOrder += count;
            }
            if (blocksThisOrder != z.nrFree[o]) {
                out.add(new Violation("counter", -1, z + " free_area[" + o + "].nr_free = " + z.nrFree[o]
                        + " but the lists hold " + blocksThisOrder + " blocks"));
            }
        }
        if (freePages != z.freePages) {
            out.add(new Violation("counter", -1, z + " NR_FREE_PAGES = " + z.freePages
                    + " but the free lists hold " + freePages + " pages"));
        }
        long pcpPages = checkPcp(z, inFreeBlock, out);
        long allocated = 0;
        long tables = 0;
        int i = 0;
        while (i < n) {
            byte s = z.state[i];
            long pfn = z.startPfn + i;
            switch (PageState.kind(s)) {
                case PageState.BUDDY -> {
                    int o = PageState.order(s);
                    checkMerged(z, pfn, o, out);
                    i += 1 << o;
                    continue;
                }
                case PageState.HEAD -> {
                    int o = PageState.order(s);
                    if (inFreeBlock.get(i)) {
                        out.add(new Violation("double state", pfn, "folio head also inside a free block"));
                    }
                    int end = Math.min(n, i + (1 << o));
                    for (int t = i + 1; t < end; t++) {
                        if (PageState.kind(z.state[t]) != PageState.TAIL || inFreeBlock.get(t)) {
                            out.add(new Violation("folio", z.startPfn + t, "page of an order-" + o + " folio at 0x"
                                    + Long.toHexString(pfn) + " is " + PageState.describe(z.state[t])));
                            break;
                        }
                    }
                    if ((z.prev[i] & Memmap.PG_TABLE) != 0) {
                        tables++;
                        if (o != 0) {
                            out.add(new Violation("page table", pfn, "page-table page of order " + o));
                        }
                    }
                    allocated += end - i;
                    i = end;
                    continue;
                }
                case PageState.TAIL -> out.add(new Violation("folio", pfn, "tail page without a head"));
                default -> {
                    if (!inFreeBlock.get(i)) {
                        out.add(new Violation("lost page", pfn, "neither free nor allocated"));
                    }
                }
            }
            i++;
        }
        if (allocated + z.freePages + pcpPages != z.managedPages()) {
            out.add(new Violation("counter", -1, z + ": " + allocated + " pages in folios + " + z.freePages
                    + " free + " + pcpPages + " on per-cpu lists != " + z.managedPages() + " managed"));
        }
        return tables;
    }

    /** Walks the per-cpu lists, marking their pages; returns the pages found. */
    private static long checkPcp(Zone z, BitSet covered, List<Violation> out) {
        Pcp p = z.pcp;
        if (p == null) {
            return 0;
        }
        long pages = 0;
        for (int list = 0; list < Pcp.NR_PCP_LISTS; list++) {
            int head = p.head[list];
            if (head < 0) {
                continue;
            }
            int order = Pcp.pindexToOrder(list);
            int i = head;
            long n = 0;
            do {
                long pfn = z.startPfn + i;
                byte s = z.state[i];
                if (!PageState.isPcp(s) || PageState.pcpOrder(s) != order) {
                    out.add(new Violation("pcp list", pfn, "on per-cpu list " + list + " but the page is " + PageState.describe(s)));
                    break;
                }
                if (!covered.get(i, i + (1 << order)).isEmpty()) {
                    out.add(new Violation("double free", pfn, "per-cpu block overlaps another free block"));
                } else {
                    covered.set(i, i + (1 << order));
                }
                pages += 1L << order;
                if (++n > z.spannedPages) {
                    out.add(new Violation("pcp list", pfn, "cycle in per-cpu list"));
                    break;
                }
                i = z.next[i];
            } while (i != head);
        }
        if (pages != p.count) {
            out.add(new Violation("counter", -1, z + " pcp->count = " + p.count + " but the per-cpu lists hold " + pages + " pages"));
        }
        return pages;
    }

    private static void checkMerged(Zone z, long pfn, int order, List<Violation> out) {
        if (order >= Zone.MAX_PAGE_ORDER) {
            return;
        }
        long buddy = pfn ^ (1L << order);
        if (!z.spans(buddy)) {
            return;
        }
        byte b = z.state[(int) (buddy - z.startPfn)];
        if (PageState.kind(b) == PageState.BUDDY && PageState.order(b) == order) {
            int mt = z.pageblockMigratetype(pfn);
            int bmt = z.pageblockMigratetype(buddy);
            if (order < Zone.PAGEBLOCK_ORDER || (mt != Buddy.ISOLATE && bmt != Buddy.ISOLATE)) {
                out.add(new Violation("unmerged buddy", pfn, "order-" + order + " free block and its buddy 0x"
                        + Long.toHexString(buddy) + " are both free"));
            }
        }
    }
}
