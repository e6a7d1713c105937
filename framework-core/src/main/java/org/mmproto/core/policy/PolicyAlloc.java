package org.mmproto.core.policy;

import org.mmproto.core.task.Kernel;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * alloc_pages_mpol for user memory: the effective policy of (task, vma, addr) picks the node and
 * nodemask, then the page allocator runs. The one place the fault and migration paths allocate
 * user folios.
 */
public final class PolicyAlloc {
    private PolicyAlloc() {
    }

    /** The policy in force at addr: the VMA's (or the memfd's shared policy), else the task's, else null. */
    public static MemPolicy effective(Task t, Vma vma, long addr) {
        if (vma != null) {
            if (vma.file() != null && vma.isShared()) {
                MemPolicy p = vma.file().policyAt(vma.fileIndex(addr));
                if (p != null) {
                    return p;
                }
            } else if (vma.policy() != null) {
                return vma.policy();
            }
        }
        return t.policy();
    }

    /** Allocates a folio for the user page at addr; returns its pfn or -errno. */
    public static long alloc(Kernel k, Task t, Vma vma, long addr, int gfp, int order) {
        return k.alloc().allocPages(gfp, order, t.nid(), null, t.nid());
    }
}
