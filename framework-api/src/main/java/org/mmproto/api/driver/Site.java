package org.mmproto.api.driver;

/**
 * The mm call sites that can touch a private node: every one of them goes through the
 * dispatcher, which records one decision per (event, private node concerned). A design's
 * "patch footprint" is the set of sites where its answer, or its consulting a driver, differed
 * from what the unpatched kernel does on the same event. The first three are decided once per
 * private node at boot.
 */
public enum Site {
    NODE_STATES("mm/memory_hotplug.c", "node_states_set_node (N_MEMORY / N_MEMORY_PRIVATE)"),
    ZONELIST_BUILD("mm/page_alloc.c", "build_zonelists"),
    CPUSET("kernel/cgroup/cpuset.c", "cpuset_mems_allowed / guarantee_online_mems"),
    ALLOC_CONTEXT("mm/mempolicy.c", "alloc_pages_mpol / alloc_migration_target (gfp, zonelist, scope)"),
    PAGE_ALLOC("mm/page_alloc.c", "get_page_from_freelist (numa_zone_alloc_allowed)"),
    PAGE_HANDOUT("mm/page_alloc.c", "rmqueue (the buddy hands the pages out)"),
    FREE("mm/swap.c", "__folio_put / folios_put_refs / __free_pages"),
    SET_MEMPOLICY("mm/mempolicy.c", "do_set_mempolicy"),
    MBIND("mm/mempolicy.c", "do_mbind"),
    HOME_NODE("mm/mempolicy.c", "set_mempolicy_home_node (home_node validation)"),
    MIGRATE_NODE("mm/migrate.c", "do_pages_move / kernel_migrate_pages (target node validation)"),
    MIGRATE_SOURCE("mm/migrate.c", "migrate_pages (folio on the node)"),
    MIGRATE_TARGET("mm/migrate.c", "migrate_pages (node as target)"),
    GUP_LONGTERM("mm/gup.c", "folio_is_longterm_pinnable"),
    WRITE_PROTECT("mm/memory.c", "can_change_pte_writable (mapping a folio of the node)"),
    WRITE_FAULT("mm/memory.c", "handle_pte_fault / do_wp_page"),
    RECLAIM("mm/vmscan.c", "wakeup_kswapd / shrink_zones (zone_reclaim_allowed)"),
    DEMOTION("mm/vmscan.c", "demote_folio_list"),
    PROMOTION("mm/migrate.c", "migrate_misplaced_folio"),
    KHUGEPAGED("mm/khugepaged.c", "hpage_collapse_scan_pmd"),
    COMPACTION("mm/compaction.c", "compact_zone"),
    TEARDOWN("mm/mmap.c", "exit_mmap / unmap_region"),
    MEMORY_FAILURE("mm/memory-failure.c", "memory_failure"),
    FOLIO_SPLIT("mm/huge_memory.c", "__folio_split"),
    /**
     * Not a kernel decision: stores reaching the device's memory (write faults, migration copies,
     * zeroing, swap-in), reported to the driver under every design (CONTRACT R4.16). Never in a
     * footprint: no decision is recorded here.
     */
    DEVICE_MEMORY("(device side)", "stores reaching and loads served from the node's memory"),
    /**
     * The device's own file: mmap of it (the driver's f_op->mmap gives the VMA its policy; the
     * design decides what of it the kernel honours, e.g. MPOL_F_PRIVATE; CONTRACT R7.1-R7.2) and
     * writes to its control attributes (R7.3, the driver's alone: no decision recorded).
     */
    DEVICE_FILE("mm/mempolicy.c", "mmap_region -> f_op->mmap (the device VMA's policy)"),
    /**
     * Not a kernel decision: a driver's delayed work run on the engine's clock (CONTRACT R1.10),
     * under every design. Never in a footprint: no decision is recorded here.
     */
    DEVICE_WORK("kernel/workqueue.c", "delayed_work_timer_fn (the driver's delayed work)");

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
