package org.mmproto.core.policy;

import org.mmproto.core.task.ShmemFile;
import org.mmproto.core.task.Vma;

/**
 * The interleave index (ilx) of a page of a VMA, as get_vma_policy computes it:
 * {@code (vm_pgoff >> order) + ((addr - vm_start) >> (PAGE_SHIFT + order))}, plus the inode
 * number for shmem (memfd) mappings, whose get_policy biases interleaving by {@code i_ino}.
 *
 * <p>Two kernel facts the task model does not store directly: a private anonymous VMA has
 * {@code vm_pgoff = vm_start >> PAGE_SHIFT} (do_mmap), so anonymous interleave follows the
 * virtual page number (checked on realkernel 6.12: page at addr lands on node
 * {@code (addr >> 12) % 3} of a 3-node interleave); and a memfd's inode number comes from the
 * internal shmem mount, whose numbers start at 2 on a fresh boot (checked on realkernel 6.12:
 * the first memfd has {@code st_ino} 2 and its page 0 lands on node {@code 2 % 3}). The engine
 * numbers memfds from 0 in creation order, so {@code i_ino = id + 2}.
 */
public final class InterleaveIndex {
    /** NO_INTERLEAVE_INDEX: an allocation without a VMA (alloc_pages), which round-robins via il_prev. */
    public static final long NO_INTERLEAVE_INDEX = -1L;
    private static final int PAGE_SHIFT = 12;

    private InterleaveIndex() {
    }

    /** The ilx of the folio of {@code order} at addr. */
    public static long of(Vma vma, long addr, int order) {
        long ilx = vma.file() != null ? inodeNumber(vma.file()) : 0;
        ilx += kernelPgoff(vma) >>> order;
        ilx += (addr - vma.start()) >>> (PAGE_SHIFT + order);
        return ilx;
    }

    /** The folio->index of the page at addr (linear_page_index). */
    public static long pageIndex(Vma vma, long addr) {
        return kernelPgoff(vma) + ((addr - vma.start()) >>> PAGE_SHIFT);
    }

    /** vm_pgoff as the kernel keeps it: the file offset, or vm_start's page number for private anon. */
    static long kernelPgoff(Vma vma) {
        return vma.isAnon() ? vma.start() >>> PAGE_SHIFT : vma.pgoff();
    }

    /** The simulated inode number of a memfd. */
    public static long inodeNumber(ShmemFile f) {
        return f.id() + 2L;
    }
}
