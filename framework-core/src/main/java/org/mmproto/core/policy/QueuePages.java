package org.mmproto.core.policy;

import static org.mmproto.core.task.MemPolicy.MPOL_MF_MOVE;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_MOVE_ALL;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_STRICT;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.Vma;

/**
 * queue_pages_range: walks the VMAs of [start, end) and collects ("isolates") the folios that
 * need to move, for mbind (folios NOT on the policy's nodes: MPOL_MF_INVERT) and migrate_pages
 * (folios ON a source node).
 *
 * <ul>
 *   <li>A hole is EFAULT unless MPOL_MF_DISCONTIG_OK; a range with no VMA at all is EFAULT even
 *       then. The hole check runs per VMA as the walk reaches it, so a misplaced folio of an
 *       earlier VMA can make it EIO first (checked on realkernel 6.12).</li>
 *   <li>Without STRICT, MOVE or MOVE_ALL no page is looked at.</li>
 *   <li>The zero page and folios the syscalls may not see ({@link PolicyTargets#folioVisible})
 *       are skipped; a large folio counts once.</li>
 *   <li>A folio that needs moving but cannot be queued (no MOVE flag, not on the LRU, already
 *       queued) counts as failed; with STRICT alone the first one ends the walk with EIO.</li>
 *   <li>Without MOVE_ALL, folios likely mapped by several processes are left alone and do not
 *       count as failures.</li>
 * </ul>
 */
final class QueuePages {
    /** MPOL_MF_DISCONTIG_OK: holes in the range are fine. */
    static final int MPOL_MF_DISCONTIG_OK = 1 << 4;
    /** MPOL_MF_INVERT: queue folios whose node is NOT in the mask. */
    static final int MPOL_MF_INVERT = 1 << 5;

    /** A queued folio with the VMA and the address at which its first page is mapped there. */
    record Queued(long head, Vma vma, long addr) {
    }

    /** err (EFAULT/EIO) or the queued folios and the count that could not be queued. */
    record Result(int err, long nrFailed, List<Queued> queued) {
        List<Long> heads() {
            List<Long> out = new ArrayList<>(queued.size());
            for (Queued q : queued) {
                out.add(q.head());
            }
            return out;
        }
    }

    private QueuePages() {
    }

    static Result run(PolicyServices k, Mm mm, long start, long end, NodeMask nmask, int flags) {
        boolean discontigOk = (flags & MPOL_MF_DISCONTIG_OK) != 0;
        boolean invert = (flags & MPOL_MF_INVERT) != 0;
        boolean move = (flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) != 0;
        boolean moveAll = (flags & MPOL_MF_MOVE_ALL) != 0;
        boolean scan = (flags & (MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) != 0;
        boolean strictOnly = (flags & (MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) == MPOL_MF_STRICT;
        Memmap memmap = k.core().memmap();
        List<Vma> vmas = mm.intersecting(start, end);
        if (vmas.isEmpty()) {
            return new Result(-Errno.EFAULT.code(), 0, List.of());
        }
        List<Queued> queued = new ArrayList<>();
        Set<Long> isolated = new HashSet<>();
        long nrFailed = 0;
        long lastLarge = -1;
        for (int i = 0; i < vmas.size(); i++) {
            Vma v = vmas.get(i);
            if (!discontigOk) {
                if (i == 0 && start < v.start()) {
                    return new Result(-Errno.EFAULT.code(), 0, List.of());
                }
                if (v.end() < end && mm.find(v.end()) == null) {
                    return new Result(-Errno.EFAULT.code(), 0, List.of());
                }
            }
            if (!scan) {
                continue;
            }
            long to = Math.min(end, v.end());
            for (long addr = v.nextMapped(start, to); addr < to; addr = v.nextMapped(addr + Mm.PAGE_SIZE, to)) {
                long pte = v.pte(addr);
                if (!UserFolios.mapsFolio(pte)) {
                    continue;
                }
                long head = k.rmap().headOf(Pte.pfn(pte));
                int nid = memmap.nid(head);
                if (nmask.contains(nid) == invert || !PolicyTargets.folioVisible(k, head, nid)) {
                    continue;
                }
                if (memmap.order(head) > 0) {
                    if (head == lastLarge) {
                        continue;
                    }
                    lastLarge = head;
                }
                boolean ok = true;
                if (!move) {
                    ok = false;
                } else if (moveAll || !UserFolios.likelyShared(memmap, head)) {
                    ok = UserFolios.onLru(memmap, head) && isolated.add(head);
                    if (ok) {
                        long headAddr = addr - ((Pte.pfn(pte) - head) << 12);
                        queued.add(new Queued(head, v, headAddr));
                    }
                }
                if (!ok) {
                    nrFailed++;
                    if (strictOnly) {
                        return new Result(-Errno.EIO.code(), nrFailed, List.of());
                    }
                }
            }
        }
        return new Result(0, nrFailed, queued);
    }
}
