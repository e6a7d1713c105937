package org.mmproto.core.task;

/**
 * The fault path's port to memory-policy placement ({@code vma_alloc_folio} /
 * {@code alloc_pages_mpol}): owned by {@code task}, implemented by {@code policy}, so that faults
 * allocate by the task's and VMA's policy without naming the policy package.
 */
@FunctionalInterface
public interface PolicyAllocation {
    /**
     * Allocates a folio of {@code order} for {@code addr} in {@code vma} of {@code t}.
     *
     * @return the pfn of the folio's first page, or -errno
     */
    long alloc(Task t, Vma vma, long addr, int gfp, int order);
}
