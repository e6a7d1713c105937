package org.mmproto.core.policy;

import static org.mmproto.core.task.MemPolicy.MPOL_F_ADDR;
import static org.mmproto.core.task.MemPolicy.MPOL_F_MEMS_ALLOWED;
import static org.mmproto.core.task.MemPolicy.MPOL_F_NODE;

import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.core.task.FaultHandler;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * get_mempolicy(&mode, nodemask, maxnode, addr, flags): kernel_get_mempolicy + do_get_mempolicy.
 *
 * <ul>
 *   <li>nodemask given with maxnode below nr_node_ids: EINVAL; unknown flags, MEMS_ALLOWED with
 *       NODE or ADDR, addr without MPOL_F_ADDR: EINVAL.</li>
 *   <li>MEMS_ALLOWED: mode 0 and the cpuset mems.</li>
 *   <li>ADDR: the VMA's (or memfd's) policy at addr, MPOL_DEFAULT when it has none (no fallback
 *       to the task policy); no VMA at addr is EFAULT, also for addr 0 (man-pages 6.03 say
 *       EINVAL; checked on realkernel 6.12: EFAULT).</li>
 *   <li>NODE|ADDR: the node of the page at addr after a read fault (GUP): an untouched private
 *       anonymous page maps the zero page and reports its node (checked on realkernel 6.12).</li>
 *   <li>NODE alone: the task's next interleave node; any other task policy is EINVAL.</li>
 *   <li>mode = mode | mode flags; the mask is the user's mask when the policy has mode flags
 *       (STATIC, RELATIVE, and also NUMA_BALANCING: checked on realkernel 6.12), the policy nodes
 *       otherwise, empty for default and LOCAL.</li>
 *   <li>A mask buffer larger than a page is EINVAL after the mode was stored.</li>
 * </ul>
 */
public final class GetMempolicy {
    private final PolicyServices k;
    private final FaultHandler faults;

    public GetMempolicy(PolicyServices k, FaultHandler faults) {
        this.k = k;
        this.faults = faults;
    }

    public GetMempolicyResult call(Task t, boolean wantMask, long maxnode, long addr, int flags) {
        int nrNodeIds = k.core().mem().nodeCount();
        if (wantMask && Long.compareUnsigned(maxnode, nrNodeIds) < 0) {
            return error(Errno.EINVAL);
        }
        if ((flags & ~(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED)) != 0) {
            return error(Errno.EINVAL);
        }
        int mode;
        NodeMask nodes;
        if ((flags & MPOL_F_MEMS_ALLOWED) != 0) {
            if ((flags & (MPOL_F_NODE | MPOL_F_ADDR)) != 0) {
                return error(Errno.EINVAL);
            }
            mode = 0;
            nodes = t.memsAllowed();
        } else {
            MemPolicy pol = t.policy();
            Vma vma = null;
            if ((flags & MPOL_F_ADDR) != 0) {
                vma = t.mm() == null ? null : t.mm().find(addr);
                if (vma == null) {
                    return error(Errno.EFAULT);
                }
                pol = VmaPolicy.at(vma, addr);
            } else if (addr != 0) {
                return error(Errno.EINVAL);
            }
            if ((flags & MPOL_F_NODE) != 0) {
                if ((flags & MPOL_F_ADDR) != 0) {
                    int nid = lookupNode(t, addr);
                    if (nid < 0) {
                        return new GetMempolicyResult(nid, 0, null);
                    }
                    mode = nid;
                } else if (pol != null && pol == t.policy() && pol.mode() == MemPolicy.MPOL_INTERLEAVE) {
                    mode = Interleave.nextNodeIn(t.ilPrev, pol.nodes());
                } else if (pol != null && pol == t.policy() && pol.mode() == MemPolicy.MPOL_WEIGHTED_INTERLEAVE) {
                    mode = t.ilWeight != 0 ? t.ilPrev : Interleave.nextNodeIn(t.ilPrev, pol.nodes());
                } else {
                    return error(Errno.EINVAL);
                }
            } else {
                mode = pol == null ? MemPolicy.MPOL_DEFAULT : pol.mode() | (pol.flags() & MemPolicy.MPOL_MODE_FLAGS);
            }
            nodes = policyNodemask(pol);
        }
        if (!wantMask) {
            return new GetMempolicyResult(0, mode, null);
        }
        long[] words = NodemaskArgs.copyNodesToUser(maxnode, nodes, nrNodeIds);
        if (words == null) {
            return new GetMempolicyResult(-Errno.EINVAL.code(), mode, null);
        }
        return new GetMempolicyResult(0, mode, words);
    }

    private static GetMempolicyResult error(Errno e) {
        return new GetMempolicyResult(-e.code(), 0, null);
    }

    /** What get_mempolicy reports as the policy's mask. */
    private static NodeMask policyNodemask(MemPolicy pol) {
        if (pol == null) {
            return NodeMask.NONE;
        }
        if ((pol.flags() & MemPolicy.MPOL_MODE_FLAGS) != 0) {
            return pol.userNodes();
        }
        return pol.mode() == MemPolicy.MPOL_LOCAL ? NodeMask.NONE : pol.nodes();
    }

    /** lookup_node: get_user_pages_fast(addr) for reading, then the node of the page. */
    private int lookupNode(Task t, long addr) {
        long page = addr & -Mm.PAGE_SIZE;
        int r = faults.handle(t, page, false);
        if (r < 0) {
            return r;
        }
        Vma vma = t.mm().find(page);
        long pte = vma.pte(page);
        long head = (pte & Pte.ZERO) != 0 ? Pte.pfn(pte) : k.rmap().headOf(Pte.pfn(pte));
        return k.core().memmap().nid(head);
    }
}
