package org.mmproto.core.trace;

import java.util.List;

/**
 * The tracepoints the engine fires, by the kernel's {@code system:name} and the fields and
 * format of its TP_printk in 6.12 ({@code include/trace/events/{kmem,migrate,vmscan,compaction,huge_memory}.h});
 * {@link #PRIVATE_DECISION} and {@link #PRIVATE_HOOK} are mmproto's own: one design decision at a
 * private-node site, one call the engine made to a node's driver.
 * Formats use {@code %s} and {@code 0x%x} only, so a value prints as the kernel prints it.
 */
public enum Tracepoint {
    MM_PAGE_ALLOC("kmem", "mm_page_alloc", "page=%s pfn=0x%x order=%d migratetype=%d gfp_flags=%s",
            "page", "pfn", "order", "migratetype", "gfp_flags"),
    MM_PAGE_FREE("kmem", "mm_page_free", "page=%s pfn=0x%x order=%d", "page", "pfn", "order"),
    MM_PAGE_FREE_BATCHED("kmem", "mm_page_free_batched", "page=%s pfn=0x%x order=0", "page", "pfn"),
    MM_PAGE_ALLOC_EXTFRAG("kmem", "mm_page_alloc_extfrag",
            "page=%s pfn=0x%x alloc_order=%d fallback_order=%d pageblock_order=%d alloc_migratetype=%d"
                    + " fallback_migratetype=%d fragmenting=%d change_ownership=%d",
            "page", "pfn", "alloc_order", "fallback_order", "pageblock_order", "alloc_migratetype",
            "fallback_migratetype", "fragmenting", "change_ownership"),
    MM_MIGRATE_PAGES("migrate", "mm_migrate_pages",
            "nr_succeeded=%d nr_failed=%d nr_thp_succeeded=%d nr_thp_failed=%d nr_thp_split=%d nr_split=%d"
                    + " mode=%s reason=%s",
            "nr_succeeded", "nr_failed", "nr_thp_succeeded", "nr_thp_failed", "nr_thp_split", "nr_split", "mode",
            "reason"),
    MM_VMSCAN_KSWAPD_WAKE("vmscan", "mm_vmscan_kswapd_wake", "nid=%d order=%d", "nid", "order"),
    MM_VMSCAN_KSWAPD_SLEEP("vmscan", "mm_vmscan_kswapd_sleep", "nid=%d", "nid"),
    MM_VMSCAN_DIRECT_RECLAIM_BEGIN("vmscan", "mm_vmscan_direct_reclaim_begin", "order=%d gfp_flags=%s",
            "order", "gfp_flags"),
    MM_VMSCAN_DIRECT_RECLAIM_END("vmscan", "mm_vmscan_direct_reclaim_end", "nr_reclaimed=%d", "nr_reclaimed"),
    MM_COMPACTION_BEGIN("compaction", "mm_compaction_begin",
            "zone_start=0x%x migrate_pfn=0x%x free_pfn=0x%x zone_end=0x%x, mode=%s",
            "zone_start", "migrate_pfn", "free_pfn", "zone_end", "mode"),
    MM_COMPACTION_END("compaction", "mm_compaction_end",
            "zone_start=0x%x migrate_pfn=0x%x free_pfn=0x%x zone_end=0x%x, mode=%s status=%s",
            "zone_start", "migrate_pfn", "free_pfn", "zone_end", "mode", "status"),
    MM_COMPACTION_WAKEUP_KCOMPACTD("compaction", "mm_compaction_wakeup_kcompactd",
            "nid=%d order=%d highest_zoneidx=%-8s", "nid", "order", "highest_zoneidx"),
    MM_COMPACTION_KCOMPACTD_WAKE("compaction", "mm_compaction_kcompactd_wake",
            "nid=%d order=%d highest_zoneidx=%-8s", "nid", "order", "highest_zoneidx"),
    MM_KHUGEPAGED_SCAN_PMD("huge_memory", "mm_khugepaged_scan_pmd",
            "mm=%s, scan_pfn=0x%x, writable=%d, referenced=%d, none_or_zero=%d, status=%s, unmapped=%d",
            "mm", "pfn", "writable", "referenced", "none_or_zero", "status", "unmapped"),
    MM_COLLAPSE_HUGE_PAGE("huge_memory", "mm_collapse_huge_page", "mm=%s, isolated=%d, status=%s",
            "mm", "isolated", "status"),
    /** A --probe NAME:args entry: the probed function and its arguments, as a kprobe event prints them. */
    KPROBE("kprobes", "probe", "(%s+0x0)%s", "func", "args"),
    /** A --probe NAME:ret exit: the function and its return value, as a kretprobe event prints $retval. */
    KRETPROBE("kprobes", "retprobe", "(%s) ret=%s", "func", "ret"),
    PRIVATE_HOOK("private", "hook", "nid=%d driver=%s hook=%s site=%s answer=%s contained=%d latency_ns=%d",
            "nid", "driver", "hook", "site", "answer", "contained", "latency_ns"),
    PRIVATE_DECISION("private", "decision", "site=%s design=%s nid=%d driver=%s hook=%s verdict=%s line=%d",
            "site", "design", "nid", "driver", "hook", "verdict", "line");

    private final String system;
    private final String event;
    private final String format;
    private final List<String> fields;

    Tracepoint(String system, String event, String format, String... fields) {
        this.system = system;
        this.event = event;
        this.format = format;
        this.fields = List.of(fields);
    }

    /** The subsystem: {@code kmem}, {@code migrate}, ... (the events/ directory). */
    public String system() {
        return system;
    }

    /** The event name within its system: {@code mm_page_alloc}. */
    public String event() {
        return event;
    }

    /** {@code system:event}, as set_event names it. */
    public String fullName() {
        return system + ":" + event;
    }

    /** The TP_printk format (Java syntax, same output). */
    public String format() {
        return format;
    }

    /** The field names, in the format's order. */
    public List<String> fields() {
        return fields;
    }

    /** The tracepoint called {@code system:event}, or null. */
    public static Tracepoint byName(String fullName) {
        for (Tracepoint t : values()) {
            if (t.fullName().equals(fullName)) {
                return t;
            }
        }
        return null;
    }
}
