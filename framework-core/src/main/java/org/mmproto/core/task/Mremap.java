package org.mmproto.core.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mmproto.api.Errno;
import org.mmproto.core.mm.Memmap;

/**
 * The VMA moves and growth behind mremap and brk (vma_expand, move_vma, get_unmapped_area), split
 * from {@link MmOps}: results are 0/positive values or a negated errno, as the syscalls return.
 */
final class Mremap {
    /** munmap and the file release that moves and their failures share with the other calls. */
    private final MmOps ops;
    private final MmCore k;
    private final Rmap rmap;
    private final Overcommit overcommit;

    Mremap(MmOps ops, MmCore k, Rmap rmap, Overcommit overcommit) {
        this.ops = ops;
        this.k = k;
        this.rmap = rmap;
        this.overcommit = overcommit;
    }

    /**
     * vma_expand for brk and mremap: the VMA starting at {@code vmaStart} grows in place to
     * {@code newEnd} (page aligned), charged like the mapping it extends. 0, -EINVAL when no VMA
     * starts there or newEnd is not past its end, -ENOMEM when [end, newEnd) is not free or
     * vm.overcommit_memory refuses the charge.
     */
    public int expand(Task t, long vmaStart, long newEnd) {
        Vma v = t.mm == null ? null : t.mm.vmas.get(vmaStart);
        if (v == null || newEnd <= v.end || (newEnd & (Mm.PAGE_SIZE - 1)) != 0) {
            return MmOps.err(Errno.EINVAL);
        }
        if (Long.compareUnsigned(newEnd, Mm.TASK_SIZE) > 0 || !t.mm.intersecting(v.end, newEnd).isEmpty()) {
            return MmOps.err(Errno.ENOMEM);
        }
        long pages = (newEnd - v.end) >>> 12;
        if ((v.flags & Vma.VM_ACCOUNT) != 0 && !overcommit.charge(t.mm, pages, t.capable("CAP_SYS_ADMIN"))) {
            return MmOps.err(Errno.ENOMEM);
        }
        v.end = newEnd;
        return 0;
    }

    /**
     * move_vma: [addr, addr + oldLen), inside one VMA, becomes a VMA at [newAddr, newAddr + newLen)
     * (a free range the caller chose) with the same flags, backing, policy and file offset, and
     * its page-table entries (present pages, swap entries) move there: the pages keep their
     * folios, nothing refaults. A huge PMD the range covers whole moves whole when the old and
     * new addresses are PMD aligned to each other (move_huge_pmd: the folio stays PMD-mapped),
     * any other is split first. Without {@code dontUnmap} the old range is then
     * unmapped; with it (MREMAP_DONTUNMAP) it stays mapped, empty, and faults fresh pages. The
     * charge grows by newLen - oldLen (newLen with dontUnmap: the old range stays charged).
     * Returns newAddr, or -ENOMEM (a refused charge, no page for a page table) with every page
     * where it was (the VMA may have been split at the range's ends, a huge PMD in it split).
     */
    public long moveVma(Task t, long addr, long oldLen, long newAddr, long newLen, boolean dontUnmap) {
        Vma v = t.mm == null ? null : t.mm.find(addr);
        if (v == null || addr + oldLen > v.end || oldLen > newLen || !t.mm.intersecting(newAddr, newAddr + newLen)
                .isEmpty()) {
            throw new IllegalArgumentException("moveVma: [" + Long.toHexString(addr) + ", +" + oldLen
                    + ") is not inside one VMA or the target is not free");
        }
        long toAccount = (dontUnmap ? newLen : newLen - oldLen) >>> 12;
        boolean accounted = (v.flags & Vma.VM_ACCOUNT) != 0;
        if (accounted && toAccount > 0 && !overcommit.charge(t.mm, toAccount, t.capable("CAP_SYS_ADMIN"))) {
            return MmOps.err(Errno.ENOMEM);
        }
        Vma src = t.mm.splitRange(addr, addr + oldLen).get(0);
        long delta = newAddr - addr;
        List<Long> whole = new java.util.ArrayList<>();
        for (long h = src.start & -Mm.PMD_SIZE; h < src.end; h += Mm.PMD_SIZE) {
            if (h >= src.start && h + Mm.PMD_SIZE <= src.end && ((h + delta) & (Mm.PMD_SIZE - 1)) == 0
                    && src.pmd(h) != 0) {
                whole.add(h); // move_page_tables: a PMD-sized extent at aligned old and new addresses
            } else {
                ThpSplit.splitPmdAt(k, src, Math.max(h, src.start));
            }
        }
        Vma nv = new Vma(t.mm.pt, newAddr, newAddr + newLen, src.flags, src.backing, src.file, src.pgoff, src.label);
        nv.policy = src.policy;
        nv.deviceNid = src.deviceNid;
        if (src.file != null) {
            src.file.users++;
        }
        t.mm.insert(nv);
        int mapped = 0;
        for (long a = src.nextMapped(src.start, src.end); a < src.end; a = src.nextMapped(a + Mm.PAGE_SIZE, src.end)) {
            if (src.pmd(a) != 0) {
                a = (a & -Mm.PMD_SIZE) + Mm.PMD_SIZE - Mm.PAGE_SIZE; // a whole PMD: mapped below
                continue;
            }
            if (t.mm.pt.ensure((a + delta) >>> 12) < 0) {
                mapped = -1;
                break;
            }
        }
        for (int i = 0; mapped >= 0 && i < whole.size(); i++) {
            long to = (whole.get(i) + delta) >>> 12;
            if (t.mm.pt.ensureUpper(to) < 0 || t.mm.pt.mapHuge(to, src.pmd(whole.get(i))) < 0) {
                break; // no page for a page table (or the PMD's deposit)
            }
            mapped++;
        }
        if (mapped != whole.size()) {
            for (int i = 0; i < mapped; i++) {
                t.mm.pt.zapHuge((whole.get(i) + delta) >>> 12);
            }
            t.mm.remove(nv); // move_page_tables failed: the new VMA goes, the old one is untouched
            ops.releaseFile(nv.file);
            t.mm.freePgtables(newAddr, newAddr + newLen);
            if (accounted) {
                overcommit.uncharge(toAccount);
            }
            return MmOps.err(Errno.ENOMEM);
        }
        for (long a = src.nextMapped(src.start, src.end); a < src.end; a = src.nextMapped(a + Mm.PAGE_SIZE, src.end)) {
            if (src.pmd(a) != 0) {
                t.mm.pt.zapHuge(a >>> 12); // move_huge_pmd: the entry (mapped at the new address above) leaves the old
                a = (a & -Mm.PMD_SIZE) + Mm.PMD_SIZE - Mm.PAGE_SIZE;
                continue;
            }
            long pte = src.pte(a);
            nv.setPte(a + delta, pte);
            src.setPte(a, 0);
            if (Pte.present(pte) && (pte & Pte.ZERO) == 0 && !Pte.isPmd(pte)) {
                long head = rmap.folioHead(pte);
                if (head == Pte.pfn(pte) && (k.memmap().flags(head) & Memmap.PG_ANON) != 0) {
                    rmap.anonFault(head, nv, a + delta); // the sole-mapping record follows the entry
                }
            }
        }
        if (!dontUnmap) {
            ops.munmap(t, src.start, src.end - src.start);
            if (accounted) {
                overcommit.add(oldLen >>> 12); // the charge moved with the pages (move_vma hides VM_ACCOUNT)
            }
        } else {
            t.mm.freePgtables(src.start, src.end);
        }
        return newAddr;
    }

    /**
     * get_unmapped_area for an anonymous mapping of len bytes: the page-aligned hint when that
     * range is free and valid (as mmap takes it), else a free range top-down (PMD aligned from 2
     * MiB up); -ENOMEM when there is none.
     */
    public long unmappedArea(Task t, long hint, long len) {
        len = MmOps.pageAlign(len);
        if (hint != 0 && MmOps.hintFits(t.mm, hint & -Mm.PAGE_SIZE, len)) {
            return hint & -Mm.PAGE_SIZE;
        }
        long a = t.mm.unmappedArea(len, len >= Mm.PMD_SIZE ? Mm.PMD_SIZE : Mm.PAGE_SIZE);
        return a < 0 ? MmOps.err(Errno.ENOMEM) : a;
    }
}
