package org.mmproto.api.design;

/** How a private node relates to a task's cpuset mems_allowed. */
public enum CpusetMems {
    /** In mems_allowed because it is in N_MEMORY (mainline: there is no private node). */
    AS_N_MEMORY,
    /** In mems_allowed as N_MEMORY_PRIVATE (RFC v4 patch 17: else userland access is blanket-denied). */
    AS_N_MEMORY_PRIVATE,
    /** Cpusets neither grant nor deny it (v5: "cpuset.mems neither grants nor denies private nodes"). */
    EXEMPT
}
