package org.mmproto.core.task;

/**
 * The port madvise(MADV_COLLAPSE) calls (implemented by the khugepaged subsystem, thp/): collapse
 * the PMD-aligned ranges inside [start, end) of one VMA of t. Returns 0 or -errno as
 * madvise_collapse does.
 */
public interface HugepageCollapse {
    /** No collapse subsystem wired (kernels booted with a bare checkpoint): -EINVAL. */
    HugepageCollapse NONE = (t, vma, start, end) -> -org.mmproto.api.Errno.EINVAL.code();

    int collapse(Task t, Vma vma, long start, long end);
}
