package org.mmproto.core.mm;

/**
 * {@code struct per_cpu_pages} of one zone: lists of free blocks of orders 0-3 per migratetype
 * plus two THP lists, refilled from the buddy allocator in batches (rmqueue_bulk) and drained
 * back in batches when {@code count} reaches {@code high} (free_pcppages_bulk). Pages here are
 * free but counted neither in NR_FREE_PAGES nor in /proc/buddyinfo, as in the kernel.
 *
 * <p>Simplifications: one pageset per zone (the running CPU's) rather than one per CPU, and
 * {@code high} fixed at high_min (the 6.7+ auto-tuning up to high_max is not modelled).
 */
public final class Pcp {
    static final int NR_LOWORDER_PCP_LISTS = 3 * (Zone.PAGE_ALLOC_COSTLY_ORDER + 1);
    static final int NR_PCP_LISTS = NR_LOWORDER_PCP_LISTS + 2;
    private static final int HPAGE_PMD_ORDER = 9;

    final int[] head = new int[NR_PCP_LISTS];
    final int batch;
    final int high;
    long count;

    private Pcp(int batch, int high) {
        this.batch = batch;
        this.high = high;
        java.util.Arrays.fill(head, -1);
    }

    /** zone_batchsize and zone_highsize(…, high_fraction = 0) as 6.12 sets them at boot. */
    static Pcp forZone(Zone z, int cpusOnNode, int onlineCpus) {
        long b = Math.min(z.managedPages() >> 10, (1L << 20) / 4096);
        if (b < 1) {
            b = 1;
        }
        int batch = (int) Math.max(1, Long.highestOneBit(b + b / 2) - 1);
        int split = cpusOnNode > 0 ? cpusOnNode : Math.max(1, onlineCpus);
        int high = (int) Math.max(z.watermark[Zone.WMARK_LOW] / split, (long) batch << 2);
        return new Pcp(batch, high);
    }

    public int batch() {
        return batch;
    }

    public int high() {
        return high;
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
        int list = pindex(order, mt);
        if (p.head[list] < 0) {
            int want = order == 0 ? p.batch : Math.max(p.batch >> order, 2);
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

    /** free_unref_page_commit: onto the list; past {@code high} a batch goes back to the buddy. */
    static void free(Zone z, int i, int order, int mt) {
        Pcp p = z.pcp;
        int pcpMt = mt < Buddy.HIGHATOMIC ? mt : Buddy.MOVABLE;
        int list = pindex(order, pcpMt);
        p.add(z, list, i, order, pcpMt, false);
        if (p.count >= p.high) {
            // nr_pcp_free without the free_count auto-tuning: a batch
            int toFree = p.high < p.batch ? 1 : Math.min(p.batch, p.high - p.batch);
            freeBulk(z, toFree, list);
        }
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
