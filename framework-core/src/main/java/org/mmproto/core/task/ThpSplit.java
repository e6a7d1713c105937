package org.mmproto.core.task;

import java.util.List;
import org.mmproto.api.Errno;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.stats.VmStat;

/**
 * Splits a THP that an unmap left partly mapped. The kernel queues such a folio on the deferred
 * split list and splits it under memory pressure; with no shrinker here it is split right after
 * the unmap, so the unmapped part returns to the allocator at once. A folio with references the
 * page tables do not explain (a pin) cannot be split, as in the kernel.
 */
public final class ThpSplit {
    private ThpSplit() {
    }

    /**
     * split_folio for migration (migrate_pages_batch's try_split_folio): splits the mapped large
     * anonymous folio at head into order-0 folios. 0 on success; -EAGAIN when references the page
     * tables do not explain (a pin) keep it whole; -EBUSY for a page-cache folio (not split here).
     */
    public static int splitForMigration(MmCore k, Rmap rmaps, long head) {
        Memmap mm = k.memmap();
        if (mm.order(head) == 0) {
            return -Errno.EINVAL.code();
        }
        Mappings rmap = rmaps.index(List.of(head));
        if (rmap.inPageCache(head)) {
            return -Errno.EBUSY.code();
        }
        return split(k, head, rmap) ? 0 : -Errno.EAGAIN.code();
    }

    /** Splits head if it is a large folio mapped by fewer PTEs than it has pages; returns true if split. */
    static boolean splitIfPartlyMapped(MmCore k, Rmap rmaps, long head) {
        Memmap mm = k.memmap();
        if (!mm.isFolioHead(head)) {
            return false; // freed by the unmap
        }
        int order = mm.order(head);
        int nr = 1 << order;
        if (order == 0 || mm.mapcount(head) >= nr) {
            return false;
        }
        return split(k, head, rmaps.index(List.of(head)));
    }

    private static boolean split(MmCore k, long head, Mappings rmap) {
        Memmap mm = k.memmap();
        int nr = 1 << mm.order(head);
        int[] maps = rmap.ptesPerPage(head, nr);
        int mapped = 0;
        for (int m : maps) {
            mapped += m;
        }
        if (mapped != mm.mapcount(head) || mm.refcount(head) != mapped) {
            return false; // extra references: split_folio fails with -EAGAIN
        }
        FolioRef original = k.dispatcher() == null ? null : k.dispatcher().folioRef(head);
        rmap.clearHuge(head);
        k.folioRelease().splitFolio(head, maps.clone(), maps);
        k.mem().count(mm.nid(head), VmStat.THP_SPLIT_PAGE, 1);
        long[] heads = new long[nr];
        for (int i = 0; i < nr; i++) {
            heads[i] = head + i;
        }
        if (original != null) {
            k.dispatcher().folioSplit(original, heads);
        }
        for (int i = 0; i < nr; i++) {
            if (maps[i] == 0) {
                k.folioRelease().putSplitPage(head + i);
            }
        }
        return true;
    }
}
