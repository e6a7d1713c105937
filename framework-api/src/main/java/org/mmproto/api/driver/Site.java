package org.mmproto.api.driver;

/**
 * The mm call sites that can touch a private node. Every one of them goes through the
 * dispatcher; a design's "patch footprint" is the set of sites it consulted.
 */
public enum Site {
    PAGE_ALLOC("mm/page_alloc.c", "get_page_from_freelist"),
    FREE("mm/swap.c", "__folio_put / folios_put_refs / __free_pages"),
    SET_MEMPOLICY("mm/mempolicy.c", "do_set_mempolicy"),
    MBIND("mm/mempolicy.c", "do_mbind"),
    MIGRATE_SOURCE("mm/migrate.c", "migrate_pages (folio on the node)"),
    MIGRATE_TARGET("mm/migrate.c", "migrate_pages (node as target)"),
    GUP_LONGTERM("mm/gup.c", "folio_is_longterm_pinnable"),
    WRITE_FAULT("mm/memory.c", "handle_pte_fault / do_wp_page"),
    DEMOTION("mm/vmscan.c", "demote_folio_list"),
    PROMOTION("mm/migrate.c", "migrate_misplaced_folio"),
    KHUGEPAGED("mm/khugepaged.c", "hpage_collapse_scan_pmd"),
    COMPACTION("mm/compaction.c", "compact_zone"),
    TEARDOWN("mm/mmap.c", "exit_mmap / unmap_region"),
    MEMORY_FAILURE("mm/memory-failure.c", "memory_failure"),
    FOLIO_SPLIT("mm/huge_memory.c", "__folio_split");

    private final String file;
    private final String function;

    Site(String file, String function) {
        this.file = file;
        this.function = function;
    }

    /** The kernel file a patch would touch for this site. */
    public String file() {
        return file;
    }

    public String function() {
        return function;
    }
}
