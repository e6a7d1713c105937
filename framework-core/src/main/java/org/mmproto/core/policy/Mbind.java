package org.mmproto.core.policy;

import static org.mmproto.core.task.MemPolicy.MPOL_DEFAULT;
import static org.mmproto.core.task.MemPolicy.MPOL_INTERLEAVE;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_MOVE_ALL;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_STRICT;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_VALID;
import static org.mmproto.core.task.MemPolicy.MPOL_WEIGHTED_INTERLEAVE;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.driver.Site;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * mbind(addr, len, mode, nodemask, maxnode, flags): kernel_mbind + do_mbind. Checks in the
 * kernel's order (checked on realkernel 6.12, which puts the mask checks before the flag checks,
 * unlike the list in the spec):
 * <ol>
 *   <li>mode and mode flags (EINVAL);</li>
 *   <li>the nodemask copy-in (EINVAL, EFAULT);</li>
 *   <li>flags outside MPOL_MF_VALID (EINVAL), MOVE_ALL without CAP_SYS_NICE (EPERM);</li>
 *   <li>addr not page aligned, addr + len wrapping (EINVAL); len 0 is success;</li>
 *   <li>mode against mask, then the mask in context (EINVAL);</li>
 *   <li>the page walk: a hole (EFAULT, allowed for MPOL_DEFAULT), a misplaced folio with STRICT
 *       alone (EIO, and the policy is not applied);</li>
 *   <li>the policy goes on the VMAs (split at the range edges) or the memfd's shared policy;</li>
 *   <li>queued folios migrate (MIGRATE_SYNC, MR_MEMPOLICY_MBIND) to folios allocated by the new
 *       policy (for MPOL_DEFAULT: the task's policy); with STRICT any folio left behind is EIO,
 *       without it the call succeeds.</li>
 * </ol>
 * The walk checks the folios against the mask the user passed, not the contextualised one
 * (so PREFERRED with nodes 0,1 moves nothing off node 1, and DEFAULT/LOCAL, whose mask is empty,
 * migrate every folio of the range, even local ones; checked on realkernel 6.12).
 */
public final class Mbind {
    private final PolicyServices k;

    public Mbind(PolicyServices k) {
        this.k = k;
    }

    public long call(Task t, long start, long len, int modeArg, UserMask nodemask, long maxnode, int flags) {
        MpolNew.ModeAndNodes in = MpolNew.modeAndNodes(modeArg, nodemask, maxnode);
        if (in.err() != 0) {
            return in.err();
        }
        MpolNew.Mode m = in.mode();
        if ((flags & ~MPOL_MF_VALID) != 0) {
            return -Errno.EINVAL.code();
        }
        if ((flags & MPOL_MF_MOVE_ALL) != 0 && !t.capable(Task.CAP_SYS_NICE)) {
            return -Errno.EPERM.code();
        }
        if ((start & (Mm.PAGE_SIZE - 1)) != 0) {
            return -Errno.EINVAL.code();
        }
        if (m.mode() == MPOL_DEFAULT) {
            flags &= ~MPOL_MF_STRICT;
        }
        len = (len + Mm.PAGE_SIZE - 1) & -Mm.PAGE_SIZE;
        long end = start + len;
        if (Long.compareUnsigned(end, start) < 0) {
            return -Errno.EINVAL.code();
        }
        if (end == start) {
            return 0;
        }
        MpolNew.Result created = PolicyTargets.newPolicy(k, m, in.nodes(), t.memsAllowed(), Site.MBIND);
        if (created.err() != 0) {
            return created.err();
        }
        MemPolicy pol = created.policy();
        if (t.mm() == null) {
            return -Errno.EINVAL.code();
        }
        int walkFlags = flags | QueuePages.MPOL_MF_INVERT;
        if (pol == null) {
            walkFlags |= QueuePages.MPOL_MF_DISCONTIG_OK;
        }
        Mm mm = t.mm();
        QueuePages.Result q = QueuePages.run(k, mm, start, end, in.nodes(), walkFlags);
        if (q.err() != 0) {
            return q.err();
        }
        for (Vma v : mm.intersecting(start, end)) {
            VmaPolicy.mbindRange(mm, v, start, end, pol);
        }
        long nrFailed = q.nrFailed();
        if (!q.queued().isEmpty()) {
            MemPolicy target = pol != null ? pol : t.policy();
            long ilxBase = interleaveBase(k, target, q.queued().get(0));
            Map<Long, Long> index = new HashMap<>();
            for (QueuePages.Queued e : q.queued()) {
                index.put(e.head(), InterleaveIndex.pageIndex(e.vma(), e.addr()));
            }
            MigrateBatch.Result r = MigrateBatch.migrate(k, q.heads(), -1, (src, order) -> {
                int gfp = order > 0 ? Gfp.GFP_TRANSHUGE.bits()
                        : Gfp.GFP_HIGHUSER_MOVABLE.bits() | Gfp.Bits.RETRY_MAYFAIL | Gfp.Bits.COMP;
                long ilx = ilxBase + (index.get(src) >>> order);
                LongSupplier alloc = () -> PolicyAlloc.allocMpol(k, t, gfp | Gfp.Bits.COMP, order, target, ilx, t.nid(),
                        MigrateReason.MR_MEMPOLICY_MBIND);
                // the policy picks the node; a private one is decided (migrate_to) before it is allocated from.
                // Migration opens the same decision around this call; joining it here, inside MigrateBatch's
                // guard, makes a refusal this folio's errno rather than an ENOMEM that stops the batch.
                var d = k.core().dispatcher();
                return d != null && d.hasPrivateNodes()
                        ? d.migrationTarget(src, MigrateReason.MR_MEMPOLICY_MBIND, alloc) : alloc.getAsLong();
            }, MigrateReason.MR_MEMPOLICY_MBIND);
            nrFailed |= r.ret();
        }
        if (nrFailed != 0 && (flags & MPOL_MF_STRICT) != 0) {
            return -Errno.EIO.code();
        }
        return 0;
    }

    /**
     * mmpol.ilx: for an interleave policy, the interleave index of the first queued folio where
     * it is mapped, less that folio's own index, so that each folio gets base + index >> order;
     * 0 otherwise.
     */
    private static long interleaveBase(PolicyServices k, MemPolicy pol, QueuePages.Queued first) {
        if (pol == null || (pol.mode() != MPOL_INTERLEAVE && pol.mode() != MPOL_WEIGHTED_INTERLEAVE)) {
            return 0;
        }
        int order = k.core().memmap().order(first.head());
        long ilx = InterleaveIndex.of(first.vma(), first.addr(), order);
        return ilx - (InterleaveIndex.pageIndex(first.vma(), first.addr()) >>> order);
    }
}
