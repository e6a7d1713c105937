package org.mmproto.core.thp;

import org.mmproto.api.Errno;
import org.mmproto.core.task.HugepageCollapse;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * madvise_collapse (mm/khugepaged.c, 6.12) for one VMA: every whole PMD range inside [start, end)
 * is collapsed with the max_ptes_* limits ignored and no referenced page needed, whatever
 * {@code enabled} says (not VM_NOHUGEPAGE: EINVAL). A range already PMD-mapped counts as done.
 * The whitelisted failures go on to the next range, the others end the call; 0 when every range
 * is huge, else the last failure's errno (madvise_collapse_errno: ENOMEM when the THP could not
 * be allocated, EAGAIN for pinned or isolated pages, EBUSY, EINVAL for the rest). Checked against
 * a real 6.12 kernel in {@code KhugepagedRealKernelTest}.
 */
public final class MadviseCollapse implements HugepageCollapse {
    private final Collapser collapser;

    public MadviseCollapse(Collapser collapser) {
        this.collapser = collapser;
    }

    @Override
    public int collapse(Task t, Vma vma, long start, long end) {
        if (!vma.isAnon() || (vma.flags() & Vma.VM_NOHUGEPAGE) != 0) {
            return -Errno.EINVAL.code(); // file and shmem collapse are not modelled
        }
        long hstart = (start + Collapser.HPAGE_PMD_SIZE - 1) & -Collapser.HPAGE_PMD_SIZE;
        long hend = end & -Collapser.HPAGE_PMD_SIZE;
        long ranges = hstart < hend ? (hend - hstart) / Collapser.HPAGE_PMD_SIZE : 0;
        long thps = 0;
        ScanResult last = ScanResult.SCAN_FAIL;
        for (long a = hstart; a < hend; a += Collapser.HPAGE_PMD_SIZE) {
            ScanResult r = collapser.collapse(t, vma, a, Collapser.Control.madvise(t));
            if (r.huge()) {
                thps++;
                continue;
            }
            last = r;
            if (!r.madviseContinues()) {
                break;
            }
        }
        return thps == ranges ? 0 : -last.madviseErrno().code();
    }
}
