package org.mmproto.core.task;

/**
 * The fault path's port to NUMA balancing (do_numa_page): a fault on a PROT_NONE hinting entry
 * is made present again and handed here, which may migrate the folio (promotion). Owned by task,
 * implemented in tier/, so the fault path does not import the tiering subsystem.
 */
@FunctionalInterface
public interface NumaHintFaults {
    /** No NUMA balancing: the entry is made present and nothing else happens. */
    NumaHintFaults NONE = (t, head, defaultPolicy) -> { };

    /**
     * A hint fault of task {@code t} on the folio at {@code head}, its entry already present
     * again; {@code defaultPolicy} says the task and VMA have no policy of their own (the default
     * policy carries MPOL_F_MOF|MPOL_F_MORON, so mpol_misplaced may move the folio).
     */
    void hintFault(Task t, long head, boolean defaultPolicy);
}
