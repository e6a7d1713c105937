package org.mmproto.core.syscall;

import java.util.Map;
import java.util.WeakHashMap;
import org.mmproto.api.Errno;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * mremap(2) and brk(2) with the semantics and errnos of their man pages, and of the 6.12 kernel
 * where the two differ (checked on Debian's 6.12.107 with {@code /work/shared/tools/realkernel}:
 * {@code framework-core/src/test/resources/replay/realkernel/mremap_brk.c} and its output beside
 * it). Every method returns what the syscall returns: an address, or a negated errno. mmap's
 * MAP_FIXED_NOREPLACE is {@link MmOps#mmap}'s.
 *
 * <p>The program break lives here, per address space: {@link #setBrk} is what execve does
 * (start_brk = brk = the end of the image), {@link #forkBrk} what fork copies.
 */
public final class MmapSyscalls {
    public static final int MREMAP_MAYMOVE = 1;
    public static final int MREMAP_FIXED = 2;
    public static final int MREMAP_DONTUNMAP = 4;
    private static final long PAGE = Mm.PAGE_SIZE;

    private final MmOps ops;
    /** mm->start_brk and mm->brk, by address space. */
    private final Map<Mm, long[]> brks = new WeakHashMap<>();

    public MmapSyscalls(MmOps ops) {
        this.ops = ops;
    }

    private static long err(Errno e) {
        return -e.code();
    }

    private static long pageAlign(long a) {
        return (a + PAGE - 1) & -PAGE;
    }

    /** mremap(addr, oldLen, newLen, flags, newAddr); a moved mapping goes where mmap would put it. */
    public long mremap(Task t, long addr, long oldLen, long newLen, int flags, long newAddr) {
        return mremap(t, addr, oldLen, newLen, flags, newAddr, 0);
    }

    /**
     * mremap with a placement hint for a mapping that moves without MREMAP_FIXED: taken when that
     * range is free (a replay rebuilds the recorded layout with the address the program got);
     * 0 for none. The order of the checks is sys_mremap's (6.12):
     * <ul>
     * <li>EINVAL: flags outside MAYMOVE|FIXED|DONTUNMAP; FIXED without MAYMOVE; DONTUNMAP without
     * MAYMOVE or with oldLen != newLen (compared before page alignment in 6.12: 4096 and 3996
     * differ; 6.18 aligns first); addr not page aligned; newLen 0 after alignment;</li>
     * <li>EFAULT: no VMA at addr;</li>
     * <li>FIXED or DONTUNMAP (mremap_to): EINVAL for an unaligned newAddr, a range past TASK_SIZE
     * or one overlapping the old; FIXED unmaps the target first; a shrink unmaps the old tail;</li>
     * <li>otherwise a shrink (or the same size) unmaps the tail and returns addr, whether or not
     * the old range stays inside the VMA;</li>
     * <li>vma_to_resize: EINVAL for oldLen 0 of a private mapping, EFAULT when the old range
     * passes the VMA's end;</li>
     * <li>growth in place when the old range ends the VMA and the pages after it are free
     * (ENOMEM if the charge is refused), else a move with MAYMOVE, else ENOMEM.</li>
     * </ul>
     * A move keeps the pages ({@link MmOps#moveVma}); DONTUNMAP leaves the old range mapped and
     * empty (its next access faults a fresh page).
     */
    public long mremap(Task t, long addr, long oldLen, long newLen, int flags, long newAddr, long hint) {
        if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) != 0) {
            return err(Errno.EINVAL);
        }
        boolean mayMove = (flags & MREMAP_MAYMOVE) != 0;
        boolean fixed = (flags & MREMAP_FIXED) != 0;
        boolean dontUnmap = (flags & MREMAP_DONTUNMAP) != 0;
        if (fixed && !mayMove) {
            return err(Errno.EINVAL);
        }
        if (dontUnmap && (!mayMove || oldLen != newLen)) {
            return err(Errno.EINVAL);
        }
        if ((addr & (PAGE - 1)) != 0) {
            return err(Errno.EINVAL);
        }
        oldLen = pageAlign(oldLen);
        newLen = pageAlign(newLen);
        if (newLen == 0) {
            return err(Errno.EINVAL);
        }
        if (t.mm() == null || t.mm().find(addr) == null) {
            return err(Errno.EFAULT); // sys_mremap: vma_lookup
        }
        if (fixed || dontUnmap) {
            return mremapTo(t, addr, oldLen, newAddr, newLen, fixed, dontUnmap, hint);
        }
        if (Long.compareUnsigned(oldLen, newLen) >= 0) {
            if (oldLen != newLen) {
                int r = ops.munmap(t, addr + newLen, oldLen - newLen);
                if (r < 0) {
                    return r;
                }
            }
            return addr;
        }
        long e = resizeCheck(t, addr, oldLen);
        if (e < 0) {
            return e;
        }
        Vma v = t.mm().find(addr);
        if (oldLen == v.end() - addr) {
            long end = v.end() + (newLen - oldLen);
            if (Long.compareUnsigned(end, Mm.TASK_SIZE) <= 0 && end > v.end()
                    && t.mm().intersecting(v.end(), end).isEmpty()) {
                int r = ops.expand(t, v.start(), end); // vma_expandable, then vma_expand
                return r < 0 ? r : addr;
            }
        }
        if (!mayMove) {
            return err(Errno.ENOMEM);
        }
        long to = ops.unmappedArea(t, hint, newLen);
        if (to < 0) {
            return to;
        }
        return ops.moveVma(t, addr, oldLen, to, newLen, false);
    }

    private long mremapTo(Task t, long addr, long oldLen, long newAddr, long newLen, boolean fixed,
                          boolean dontUnmap, long hint) {
        if ((newAddr & (PAGE - 1)) != 0) {
            return err(Errno.EINVAL);
        }
        if (Long.compareUnsigned(newLen, Mm.TASK_SIZE) > 0 || Long.compareUnsigned(newAddr, Mm.TASK_SIZE - newLen) > 0) {
            return err(Errno.EINVAL);
        }
        if (addr + oldLen > newAddr && newAddr + newLen > addr) {
            return err(Errno.EINVAL); // the old and new ranges overlap
        }
        if (fixed) {
            int r = ops.munmap(t, newAddr, newLen);
            if (r < 0) {
                return r;
            }
        }
        if (Long.compareUnsigned(oldLen, newLen) > 0) {
            int r = ops.munmap(t, addr + newLen, oldLen - newLen);
            if (r < 0) {
                return r;
            }
            oldLen = newLen;
        }
        long e = resizeCheck(t, addr, oldLen);
        if (e < 0) {
            return e;
        }
        long to = fixed ? newAddr : ops.unmappedArea(t, hint != 0 ? hint : newAddr, newLen);
        if (to < 0) {
            return to;
        }
        return ops.moveVma(t, addr, oldLen, to, newLen, dontUnmap);
    }

    /** vma_to_resize's checks: 0, or -errno. */
    private static long resizeCheck(Task t, long addr, long oldLen) {
        Vma v = t.mm().find(addr);
        if (v == null) {
            return err(Errno.EFAULT);
        }
        if (oldLen == 0) {
            // a private "duplicate" is refused (6.12: "attempted to duplicate a private mapping");
            // duplicating a shared mapping is not modelled either
            return err(Errno.EINVAL);
        }
        if (Long.compareUnsigned(oldLen, v.end() - addr) > 0) {
            return err(Errno.EFAULT); // cannot remap across VMA boundaries
        }
        return 0;
    }

    /** execve's program break: start_brk = brk = start. */
    public void setBrk(Task t, long start) {
        brks.put(t.mm(), new long[] {start, start});
    }

    /** True when the address space has a program break ({@link #setBrk}). */
    public boolean hasBrk(Task t) {
        return t.mm() != null && brks.containsKey(t.mm());
    }

    /** fork: the child's mm has the parent's break. */
    public void forkBrk(Task parent, Task child) {
        long[] b = parent.mm() == null ? null : brks.get(parent.mm());
        if (b != null && child.mm() != null) {
            brks.put(child.mm(), b.clone());
        }
    }

    /** execve drops the old image's break (the new one's first brk sets it again). */
    public void dropBrk(Task t) {
        if (t.mm() != null) {
            brks.remove(t.mm());
        }
    }

    /** The current break (mm->brk), or -1 without one. */
    public long brkNow(Task t) {
        long[] b = t.mm() == null ? null : brks.get(t.mm());
        return b == null ? -1 : b[1];
    }

    /** The vm_flags a fresh heap VMA gets (do_brk_flags: VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT). */
    private static final int BRK_FLAGS = Vma.VM_READ | Vma.VM_WRITE | Vma.VM_MAYREAD | Vma.VM_MAYWRITE | Vma.VM_ACCOUNT;

    /**
     * do_brk_flags extends the VMA before the old break only when a new heap VMA could merge with
     * it (vma_merge_new_range: the same vm_flags, no file, the default policy), else the growth
     * is a VMA of its own: after an mbind or a MADV_NOHUGEPAGE on the heap's tail, the new pages
     * keep the default policy and flags (checked on 6.12 by the reviewer).
     */
    private static boolean brkMergeable(Vma heap) {
        return heap.isAnon() && heap.flags() == BRK_FLAGS && heap.policy() == null && heap.deviceNid() < 0;
    }

    /**
     * brk(want): returns the new break, or the old one when the request is refused: below
     * start_brk; growth into or up to one page before an existing mapping (the kernel keeps a
     * page free between the heap and the next VMA); a refused charge. The heap is one VMA that
     * grows and shrinks in place ({@code [heap]}); a request inside the same last page only moves
     * the break. A shrink with nothing mapped in [newbrk, oldbrk) is refused (the old break).
     */
    public long brk(Task t, long want) {
        long[] b = t.mm() == null ? null : brks.get(t.mm());
        if (b == null) {
            throw new IllegalStateException(t + " has no program break (execve sets it: setBrk)");
        }
        long orig = b[1];
        if (Long.compareUnsigned(want, b[0]) < 0) {
            return orig;
        }
        long newBrk = pageAlign(want);
        long oldBrk = pageAlign(b[1]);
        if (newBrk == oldBrk) {
            b[1] = want;
            return want;
        }
        if (Long.compareUnsigned(want, b[1]) <= 0) {
            if (t.mm().intersecting(newBrk, oldBrk).isEmpty()) {
                return orig; // sys_brk: vma_find(newbrk, oldbrk) found nothing to shrink
            }
            if (ops.munmap(t, newBrk, oldBrk - newBrk) < 0) {
                return orig;
            }
            b[1] = want;
            return want;
        }
        if (Long.compareUnsigned(newBrk, Mm.TASK_SIZE) > 0 || !t.mm().intersecting(oldBrk, newBrk + PAGE).isEmpty()) {
            return orig; // sys_brk: a VMA before newbrk + PAGE_SIZE (vm_start_gap) refuses it
        }
        Vma heap = oldBrk > b[0] ? t.mm().find(oldBrk - 1) : null;
        if (heap != null && heap.end() == oldBrk && heap.start() >= (b[0] & -PAGE) && brkMergeable(heap)) {
            if (ops.expand(t, heap.start(), newBrk) < 0) {
                return orig;
            }
        } else if (ops.mmap(t, oldBrk, newBrk - oldBrk, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS | MmOps.MAP_FIXED, null, 0, "[heap]") < 0) {
            return orig;
        }
        b[1] = want;
        return want;
    }
}
