package org.mmproto.core.mm;

import java.util.Arrays;
import org.mmproto.api.ZoneType;

/**
 * {@code struct per_cpu_pages} of one zone: lists of free blocks of orders 0-3 per migratetype
 * plus two THP lists, refilled from the buddy allocator in batches (rmqueue_bulk) and drained
 * back in batches when {@code count} reaches {@code high} (free_pcppages_bulk). Pages here are
 * free but counted neither in NR_FREE_PAGES nor in /proc/buddyinfo, as in the kernel.
 *
 * <p>{@code high} tunes itself between high_min and high_max as in 6.7+ (nr_pcp_high,
 * nr_pcp_free, nr_pcp_alloc): runs of frees raise it, so a burst of frees stays on the list for
 * the allocations that follow; a zone below its high watermark shrinks it back. Simplifications:
 * one pageset per zone (the running CPU's) rather than one per CPU, and no free_high heuristic
 * for high-order frees.
 */
public final class Pcp {
    static final int NR_LOWORDER_PCP_LISTS = 3 * (Zone.PAGE_ALLOC_COSTLY_ORDER + 1);
    static final int NR_PCP_LISTS = NR_LOWORDER_PCP_LISTS + 2;
    private static final int HPAGE_PMD_ORDER = 9;

    /** CONFIG_PCP_BATCH_SCALE_MAX default. */
    static final int PCP_BATCH_SCALE_MAX = 5;

    final int[] head = new int[NR_PCP_LISTS];
    final int batch;
    final int highMin;
    final int highMax;
    int high;
    long count;
    int freeCount;
    int allocFactor;

    private Pcp(int batch, int highMin, int highMax) {
        this.batch = batch;
        this.highMin = highMin;
        this.highMax = highMax;
        this.high = highMin;
        Arrays.fill(head, -1);
    }

    /**
     * zone_batchsize, and zone_highsize for high_min (fraction 0: the low watermark) and high_max
     * (MIN_PERCPU_PAGELIST_HIGH_FRACTION = 8: an eighth of the zone), as 6.12 sets them at boot.
     */
    static Pcp forZone(Zone z, int cpusOnNode, int onlineCpus) {
        long b = Math.min(z.managedPages() >> 10, (1L << 20) / 4096);
        b /= 4;
        if (b < 1) {
            b = 1;
        }
        int batch = (int) Math.max(1, Long.highestOneBit(b + b / 2) - 1);
        int split = cpusOnNode > 0 ? cpusOnNode : Math.max(1, onlineCpus);
        int highMin = (int) Math.max(z.watermark(Zone.WMARK_LOW) / split, (long) batch << 2);
        int highMax = (int) Math.max(z.managedPages() / 8 / split, (long) batch << 2);
        return new Pcp(batch, highMin, Math.max(highMin, highMax));
    }

    public int batch() {
        return batch;
    }

    /** The current high mark (between high_min and high_max). */
    public int high() {
        return high;
    }

    public int highMin() {
        return highMin;
    }

    public int highMax() {
        return highMax;
    }

    public long count() {
        return count;
    }

    /** pcp_allowed_order. */
    static boolean allowedOrder(int order) {
        return order <= Zone.PAGE_ALLOC_COSTLY_ORDER || order == HPAGE_PMD_ORDER;
    }

    static int pindex(int order, int mt) {
        if (order > Zone.PAGE_ALLOC_COSTLY_ORDER) {
            return NR_LOWORDER_PCP_LISTS + (mt == Buddy.MOVABLE ? 1 : 0);
        }
        return 3 * order + mt;
    }

    static int pindexToOrder(int pindex) {
        return pindex < NR_LOWORDER_PCP_LISTS ? pindex / 3 : HPAGE_PMD_ORDER;
    }

    /** rmqueue_pcplist: a block from the list, refilling it from the buddy allocator if empty. */
    static int rmqueue(Zone z, int order, int mt, int allocFlags) {
        Pcp p = z.pcp;
        // an allocation says frees are not dominant: batch-free less next time
        p.freeCount >>= 1;
        int list = pindex(order, mt);
        if (p.head[list] < 0) {
            int want = p.nrPcpAlloc(z, order);
            for (int n = 0; n < want; n++) {
                int i = Buddy.rmqueue(z, order, mt, allocFlags);
                if (i < 0) {
                    break;
                }
                p.add(z, list, i, order, mt, true);
            }
            if (p.head[list] < 0) {
                return -1;
            }
        }
        int i = p.head[list];
        p.del(z, list, i, order);
        return i;
    }

    /** rmqueue_pcplist for an order-0 block of {@code mt} when its list is known not to be empty. */
    static int takeHead(Zone z, int mt) {
        Pcp p = z.pcp;
        p.freeCount >>= 1;
        int i = p.head[mt]; // pindex(0, mt)
        p.del(z, mt, i, 0);
        return i;
    }

    /** nr_pcp_alloc: refills grow (alloc_factor) while the list has room below high. */
    private int nrPcpAlloc(Zone z, int order) {
        high = Math.max(highMin, Math.min(highMax, high));
        if (high < batch) {
            return 1;
        }
        int b = order > 0 ? batch : batch << allocFactor;
        if (highMin != highMax && !z.belowHigh) {
            high = Math.min(high + b, highMax);
        }
        if (order == 0) {
            int maxNrAlloc = (int) Math.max(high - count - batch, batch);
            if (b <= maxNrAlloc && allocFactor < PCP_BATCH_SCALE_MAX) {
                allocFactor++;
            }
            b = Math.min(b, maxNrAlloc);
        }
        if (b > 1) {
            b = Math.max(b >> order, 2);
        }
        return b;
    }

    /** free_unref_page_commit: onto the list; past {@code high} a batch goes back to the buddy. */
    static void free(Zone z, int i, int order, int mt) {
        Pcp p = z.pcp;
        p.allocFactor >>= 1;
        int pcpMt = mt < Buddy.HIGHATOMIC ? mt : Buddy.MOVABLE;
        int list = pindex(order, pcpMt);
        p.add(z, list, i, order, pcpMt, false);
        if (p.freeCount < (p.batch << PCP_BATCH_SCALE_MAX)) {
            p.freeCount += 1 << order;
        }
        int h = p.nrPcpHigh(z);
        if (p.count >= h) {
            freeBulk(z, p.nrPcpFree(h), list);
            if (z.belowHigh && PageAllocator.zoneWatermarkOk(z, 0, z.watermark(Zone.WMARK_HIGH),
                    ZoneType.MOVABLE.ordinal(), 0, z.freePages)) {
                z.belowHigh = false;
            }
        }
    }

    /** nr_pcp_high (no free_high case): where the list is drained. */
    private int nrPcpHigh(Zone z) {
        high = Math.max(highMin, Math.min(highMax, high));
        if (high == 0) {
            return 0;
        }
        if (highMin == highMax) {
            return high;
        }
        if (z.belowHigh) {
            int fc = Math.max(freeCount, batch);
            high = Math.max(high - fc, highMin);
            return (int) Math.max(count, highMin);
        }
        if (count >= high) {
            int need = freeCount + batch;
            if (high < need) {
                high = Math.max(highMin, Math.min(highMax, need));
            }
        }
        return high;
    }

    /** nr_pcp_free: how many pages one drain returns. */
    private int nrPcpFree(int h) {
        if (h < batch) {
            return 1;
        }
        return Math.max(batch, Math.min(h - batch, freeCount));
    }

    /** free_pcppages_bulk: oldest blocks first, starting with the list just freed to. */
    static void freeBulk(Zone z, long count, int pindex) {
        Pcp p = z.pcp;
        count = Math.min(p.count, count);
        pindex--;
        while (count > 0) {
            do {
                if (++pindex > NR_PCP_LISTS - 1) {
                    pindex = 0;
                }
            } while (p.head[pindex] < 0);
            int order = pindexToOrder(pindex);
            do {
                int last = z.prev[p.head[pindex]];
                p.del(z, pindex, last, order);
                count -= 1L << order;
                Buddy.freeOnePage(z, last, order, z.pageblockMigratetype(z.startPfn + last));
            } while (count > 0 && p.head[pindex] >= 0);
        }
    }

    /** drain_zone_pages: everything back to the buddy allocator. */
    static void drain(Zone z) {
        if (z.pcp != null && z.pcp.count > 0) {
            freeBulk(z, z.pcp.count, 0);
        }
    }

    private void add(Zone z, int list, int i, int order, int mt, boolean tail) {
        int h = head[list];
        z.state[i] = PageState.pcp(order, mt);
        if (h < 0) {
            z.next[i] = i;
            z.prev[i] = i;
            head[list] = i;
        } else {
            int last = z.prev[h];
            z.next[i] = h;
            z.prev[i] = last;
            z.next[last] = i;
            z.prev[h] = i;
            if (!tail) {
                head[list] = i;
            }
        }
        count += 1L << order;
    }

    private void del(Zone z, int list, int i, int order) {
        int n = z.next[i];
        if (n == i) {
            head[list] = -1;
        } else {
            int pr = z.prev[i];
            z.next[pr] = n;
            z.prev[n] = pr;
            if (head[list] == i) {
                head[list] = n;
            }
        }
        z.state[i] = PageState.INSIDE;
        count -= 1L << order;
    }

}
