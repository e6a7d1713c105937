package org.mmproto.api;

/** {@code enum migrate_reason} with the strings the migrate tracepoints print. */
public enum MigrateReason {
    MR_COMPACTION("compaction"),
    MR_MEMORY_FAILURE("memory_failure"),
    MR_MEMORY_HOTPLUG("memory_hotplug"),
    MR_SYSCALL("syscall_or_cpuset"),
    MR_MEMPOLICY_MBIND("mempolicy_mbind"),
    MR_NUMA_MISPLACED("numa_misplaced"),
    MR_CONTIG_RANGE("contig_range"),
    MR_LONGTERM_PIN("longterm_pin"),
    MR_DEMOTION("demotion"),
    MR_DAMON("damon");

    private final String traceName;

    MigrateReason(String traceName) {
        this.traceName = traceName;
    }

    public String traceName() {
        return traceName;
    }
}
