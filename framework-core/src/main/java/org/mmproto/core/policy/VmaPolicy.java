package org.mmproto.core.policy;

import java.util.List;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.ShmemFile;
import org.mmproto.core.task.Vma;

/**
 * Where a VMA's policy lives. A memfd (shmem) mapping has {@code vm_ops->get_policy/set_policy}:
 * its policy is the inode's shared policy, shared by every mapping of the file, and that holds
 * for MAP_PRIVATE mappings of the memfd too (checked on realkernel 6.12: mbind on a MAP_PRIVATE
 * memfd mapping is seen through a MAP_SHARED mapping of the same file). Anonymous private
 * mappings keep it in {@code vm_policy}.
 */
public final class VmaPolicy {
    private VmaPolicy() {
    }

    /** __get_vma_policy: the VMA's (or its file's) policy at addr, without falling back to the task. */
    public static MemPolicy at(Vma vma, long addr) {
        ShmemFile f = vma.file();
        if (f != null) {
            return f.policyAt(vma.fileIndex(addr));
        }
        return vma.policy();
    }

    /** vma_replace_policy: the file's shared policy for the VMA's pages (if any) and vm_policy. */
    static void replace(Vma vma, MemPolicy pol) {
        ShmemFile f = vma.file();
        if (f != null) {
            f.setPolicy(vma.pgoff(), vma.pgoff() + vma.pages(), pol);
        }
        vma.setPolicy(pol);
    }

    /**
     * mbind_range for one VMA intersecting [start, end): nothing when vm_policy already equals
     * the new policy, else split the VMA at the range edges and replace the policy of the part
     * inside. (VMAs are not merged back with equal neighbours as vma_merge would.)
     */
    static void mbindRange(Mm mm, Vma vma, long start, long end, MemPolicy pol) {
        if (MpolEqual.equal(vma.policy(), pol)) {
            return;
        }
        List<Vma> inside = mm.splitRange(Math.max(start, vma.start()), Math.min(end, vma.end()));
        for (Vma v : inside) {
            replace(v, pol);
        }
    }
}
