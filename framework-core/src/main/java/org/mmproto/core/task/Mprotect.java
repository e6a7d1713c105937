package org.mmproto.core.task;

import org.mmproto.api.Errno;

/** mprotect(2) over a task's VMAs, split from {@link MmOps} (whose constants it uses). */
final class Mprotect {
    private final Overcommit overcommit;

    Mprotect(Overcommit overcommit) {
        this.overcommit = overcommit;
    }

    /**
     * mprotect(addr, len, prot), as 6.12's do_mprotect_pkey: EINVAL for an unaligned addr, prot
     * bits outside READ|WRITE|EXEC|SEM or both GROWSDOWN and GROWSUP; 0 for len 0; ENOMEM when len
     * wraps or addr is not mapped. The VMAs from addr on are split at the range's edges and get
     * the new VM_READ/VM_WRITE/VM_EXEC one after the other while they are contiguous; a hole
     * before the range's end then answers ENOMEM with the VMAs before it changed (as the kernel
     * leaves them). A private VMA that becomes writable and is neither charged nor MmOps.VM_NORESERVE
     * is charged now (ENOMEM when vm.overcommit_memory refuses: that VMA and the rest keep their
     * protection). Removing write drops the write bit of its present entries (a huge PMD's too),
     * so the next write faults.
     */
    int apply(Task t, long addr, long len, int prot) {
        int grows = prot & (MmOps.PROT_GROWSDOWN | MmOps.PROT_GROWSUP);
        prot &= ~grows;
        if (grows == (MmOps.PROT_GROWSDOWN | MmOps.PROT_GROWSUP) || (addr & (Mm.PAGE_SIZE - 1)) != 0
                || (prot & ~(MmOps.PROT_READ | MmOps.PROT_WRITE | MmOps.PROT_EXEC | MmOps.PROT_SEM)) != 0) {
            return MmOps.err(Errno.EINVAL);
        }
        if (len == 0) {
            return 0;
        }
        long end = addr + MmOps.pageAlign(len);
        if (Long.compareUnsigned(end, addr) <= 0) {
            return MmOps.err(Errno.ENOMEM);
        }
        if (t.mm == null || t.mm.find(addr) == null) {
            return MmOps.err(Errno.ENOMEM); // the first VMA must contain addr
        }
        long upTo = addr;
        for (Vma v : t.mm.intersecting(addr, end)) {
            if (v.start > upTo) {
                break;
            }
            upTo = Math.min(end, v.end);
        }
        int want = ((prot & MmOps.PROT_READ) != 0 ? Vma.VM_READ : 0) | ((prot & MmOps.PROT_WRITE) != 0 ? Vma.VM_WRITE | Vma.VM_READ : 0)
                | ((prot & MmOps.PROT_EXEC) != 0 ? Vma.VM_EXEC : 0);
        int rwx = Vma.VM_READ | Vma.VM_WRITE | Vma.VM_EXEC;
        for (Vma v : t.mm.splitRange(addr, upTo)) {
            if ((want & Vma.VM_WRITE) != 0 && (v.flags & Vma.VM_MAYWRITE) == 0) {
                return MmOps.err(Errno.EACCES);
            }
            boolean gainsWrite = (want & Vma.VM_WRITE) != 0 && (v.flags & Vma.VM_WRITE) == 0;
            if (gainsWrite && !v.isShared() && (v.flags & (Vma.VM_ACCOUNT | MmOps.VM_NORESERVE)) == 0) {
                if (!overcommit.charge(t.mm, v.pages(), t.capable("CAP_SYS_ADMIN"))) {
                    return MmOps.err(Errno.ENOMEM); // mprotect_fixup: security_vm_enough_memory_mm
                }
                v.flags |= Vma.VM_ACCOUNT;
            }
            boolean dropsWrite = (v.flags & Vma.VM_WRITE) != 0 && (want & Vma.VM_WRITE) == 0;
            v.flags = (v.flags & ~rwx) | want;
            if (dropsWrite) {
                writeProtect(v);
            }
        }
        return upTo < end ? MmOps.err(Errno.ENOMEM) : 0;
    }

    /** change_protection without write: every present entry of v (PTE or huge PMD) loses its write bit. */
    private static void writeProtect(Vma v) {
        long a = v.nextMapped(v.start, v.end);
        while (a < v.end) {
            long pmd = v.pmd(a);
            if (pmd != 0) {
                long h = a & -Mm.PMD_SIZE;
                if (Pte.present(pmd)) {
                    v.setPmd(h, pmd & ~Pte.WRITE);
                }
                a = v.nextMapped(h + Mm.PMD_SIZE, v.end);
                continue;
            }
            long pte = v.pte(a);
            if (Pte.present(pte) && (pte & Pte.WRITE) != 0) {
                v.setPte(a, pte & ~Pte.WRITE);
            }
            a = v.nextMapped(a + Mm.PAGE_SIZE, v.end);
        }
    }
}
