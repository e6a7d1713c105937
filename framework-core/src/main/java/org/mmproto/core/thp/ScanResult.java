package org.mmproto.core.thp;

import org.mmproto.api.Errno;

/**
 * enum scan_result of mm/khugepaged.c (6.12), the outcome of scanning or collapsing one PMD range
 * (the trace mm_khugepaged_scan_pmd's status). The results mmproto produces are documented at
 * their cause in {@link Collapser}; the rest are listed so a result is always a kernel name.
 */
public enum ScanResult {
    SCAN_FAIL("failed"),
    SCAN_SUCCEED("succeeded"),
    SCAN_PMD_NULL("pmd_null"),
    SCAN_PMD_NONE("pmd_none"),
    SCAN_PMD_MAPPED("page_pmd_mapped"),
    SCAN_EXCEED_NONE_PTE("exceed_none_pte"),
    SCAN_EXCEED_SWAP_PTE("exceed_swap_pte"),
    SCAN_EXCEED_SHARED_PTE("exceed_shared_pte"),
    SCAN_PTE_NON_PRESENT("pte_non_present"),
    SCAN_PTE_UFFD_WP("pte_uffd_wp"),
    SCAN_PTE_MAPPED_HUGEPAGE("pte_mapped_hugepage"),
    SCAN_PAGE_RO("no_writable_page"),
    SCAN_LACK_REFERENCED_PAGE("lack_referenced_page"),
    SCAN_PAGE_NULL("page_null"),
    SCAN_SCAN_ABORT("scan_aborted"),
    SCAN_PAGE_COUNT("not_suitable_page_count"),
    SCAN_PAGE_LRU("page_not_in_lru"),
    SCAN_PAGE_LOCK("page_locked"),
    SCAN_PAGE_ANON("page_not_anon"),
    SCAN_PAGE_COMPOUND("page_compound"),
    SCAN_ANY_PROCESS("no_process_for_page"),
    SCAN_VMA_NULL("vma_null"),
    SCAN_VMA_CHECK("vma_check_failed"),
    SCAN_ADDRESS_RANGE("not_suitable_address_range"),
    SCAN_DEL_PAGE_LRU("could_not_delete_page_from_lru"),
    SCAN_ALLOC_HUGE_PAGE_FAIL("alloc_huge_page_failed"),
    SCAN_CGROUP_CHARGE_FAIL("ccgroup_charge_failed"),
    SCAN_TRUNCATED("truncated"),
    SCAN_PAGE_HAS_PRIVATE("page_has_private"),
    SCAN_STORE_FAILED("store_failed"),
    SCAN_COPY_MC("copy_poisoned_page"),
    SCAN_PAGE_FILLED("page_filled");

    private final String traceName;

    ScanResult(String traceName) {
        this.traceName = traceName;
    }

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

    /** The name the kernel's huge_memory tracepoints print (SCAN_STATUS: {@code succeeded}, {@code page_null}). */
    public String traceName() {
        return traceName;
    }
}
