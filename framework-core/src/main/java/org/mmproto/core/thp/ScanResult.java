package org.mmproto.core.thp;

import org.mmproto.api.Errno;

/**
 * enum scan_result of mm/khugepaged.c (6.12), the outcome of scanning or collapsing one PMD range
 * (the trace mm_khugepaged_scan_pmd's status). The results mmproto produces are documented at
 * their cause in {@link Collapser}; the rest are listed so a result is always a kernel name.
 */
public enum ScanResult {
    SCAN_FAIL, SCAN_SUCCEED, SCAN_PMD_NULL, SCAN_PMD_NONE, SCAN_PMD_MAPPED, SCAN_EXCEED_NONE_PTE,
    SCAN_EXCEED_SWAP_PTE, SCAN_EXCEED_SHARED_PTE, SCAN_PTE_NON_PRESENT, SCAN_PTE_UFFD_WP,
    SCAN_PTE_MAPPED_HUGEPAGE, SCAN_PAGE_RO, SCAN_LACK_REFERENCED_PAGE, SCAN_PAGE_NULL, SCAN_SCAN_ABORT,
    SCAN_PAGE_COUNT, SCAN_PAGE_LRU, SCAN_PAGE_LOCK, SCAN_PAGE_ANON, SCAN_PAGE_COMPOUND, SCAN_ANY_PROCESS,
    SCAN_VMA_NULL, SCAN_VMA_CHECK, SCAN_ADDRESS_RANGE, SCAN_DEL_PAGE_LRU, SCAN_ALLOC_HUGE_PAGE_FAIL,
    SCAN_CGROUP_CHARGE_FAIL, SCAN_TRUNCATED, SCAN_PAGE_HAS_PRIVATE, SCAN_STORE_FAILED, SCAN_COPY_MC,
    SCAN_PAGE_FILLED;

    /** The range is PMD-mapped now: MADV_COLLAPSE counts both as a THP (madvise_collapse's thps++). */
    public boolean huge() {
        return this == SCAN_SUCCEED || this == SCAN_PMD_MAPPED;
    }

    /**
     * madvise_collapse goes on to the next range after these (its whitelist); any other failure
     * ends the call.
     */
    boolean madviseContinues() {
        return switch (this) {
            case SCAN_PMD_NULL, SCAN_PTE_NON_PRESENT, SCAN_PTE_UFFD_WP, SCAN_PAGE_RO, SCAN_LACK_REFERENCED_PAGE,
                 SCAN_PAGE_NULL, SCAN_PAGE_COUNT, SCAN_PAGE_LOCK, SCAN_PAGE_COMPOUND, SCAN_PAGE_LRU,
                 SCAN_DEL_PAGE_LRU -> true;
            default -> huge();
        };
    }

    /** madvise_collapse_errno: what MADV_COLLAPSE returns when this was its last failure. */
    public Errno madviseErrno() {
        return switch (this) {
            case SCAN_ALLOC_HUGE_PAGE_FAIL -> Errno.ENOMEM;
            case SCAN_CGROUP_CHARGE_FAIL, SCAN_EXCEED_NONE_PTE -> Errno.EBUSY;
            case SCAN_PAGE_COUNT, SCAN_PAGE_LOCK, SCAN_PAGE_LRU, SCAN_DEL_PAGE_LRU, SCAN_PAGE_FILLED -> Errno.EAGAIN;
            default -> Errno.EINVAL;
        };
    }

    /** The name as the kernel's trace prints it (lower case, without the prefix). */
    public String traceName() {
        return name().substring("SCAN_".length()).toLowerCase(java.util.Locale.ROOT);
    }
}
