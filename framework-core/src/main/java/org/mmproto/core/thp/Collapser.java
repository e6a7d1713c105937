package org.mmproto.core.thp;

import java.util.HashMap;
import java.util.Map;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.NodeMask;
import org.mmproto.api.design.AllocContext;
import org.mmproto.api.design.CollapsePlan;
import org.mmproto.api.design.UserAllocation;
import org.mmproto.api.design.ZonelistKind;
import org.mmproto.api.driver.DeviceStore;
import org.mmproto.api.driver.Site;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.FaultHandler;
import org.mmproto.core.task.MmCore;
import org.mmproto.core.task.PmdCollapse;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.Rmap;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;
import org.mmproto.core.trace.Tracepoint;
import org.mmproto.core.trace.Tracer;

/**
 * hpage_collapse_scan_pmd and collapse_huge_page (mm/khugepaged.c, 6.12) for one PMD range of an
 * anonymous VMA: the scan checks the 512 PTEs against the limits (khugepaged only) and counts
 * the pages per node; the collapse allocates an order-9 folio on the node holding most of them
 * (hpage_collapse_find_target_node: lowest nid on a tie, the nodemask every node with that
 * count; the VMA and task policy are not consulted), swaps in the swap entries, checks the range
 * again (__collapse_huge_page_isolate), copies and maps the folio by one PMD.
 *
 * <p>Private nodes: a folio on one is put to the design at Site.KHUGEPAGED once per range and
 * node; SKIP is SCAN_PAGE_NULL, as for a ZONE_DEVICE page; ON_NODE_ONLY allocates the new folio
 * on that node with __GFP_THISNODE. A target on a private node is a folio allocation whose
 * context the design makes (Site.ALLOC_CONTEXT), so the allocator's gates (buddy-veto's
 * alloc_veto) can refuse it even when the buddy holds a free 2 MiB block: SCAN_ALLOC_HUGE_PAGE_FAIL,
 * {@code thp_collapse_alloc_failed}, the small pages stay mapped and unchanged. The copy is
 * reported as a migration copy to the node's device (R4.16); pages that leave a private node for
 * a folio elsewhere are held against the driver's opt-ins (the escape invariant).
 *
 * <p>Not modelled: file and shmem collapse, PTE-mapped large folios (SCAN_PAGE_COMPOUND),
 * userfaultfd, node_reclaim_mode's SCAN_SCAN_ABORT, memcg charging, the underused-THP shrinker.
 */
public final class Collapser {
    static final int HPAGE_PMD_ORDER = 9;
    static final int HPAGE_PMD_NR = 1 << HPAGE_PMD_ORDER;
    static final long HPAGE_PMD_SIZE = (long) HPAGE_PMD_NR << 12;

    private final MmCore k;
    private final Rmap rmap;
    private final FaultHandler faults;

    /**
     * collapse_control: khugepaged (the limits apply, referenced pages are needed) or
     * MADV_COLLAPSE by {@code caller} (the limits are ignored).
     */
    public record Control(boolean khugepaged, KhugepagedTunables limits, Task caller) {
        public static Control khugepaged(KhugepagedTunables limits) {
            return new Control(true, limits, null);
        }

        public static Control madvise(Task caller) {
            return new Control(false, KhugepagedTunables.DEFAULTS, caller);
        }
    }

    /** The design's answers for one range: per private node asked, whether it said ON_NODE_ONLY. */
    private static final class Plans {
        long asked;
        long skip;
        long onNode;
    }

    /**
     * What a scan of a range found; the counts as far as the scan got (the trace's fields):
     * the last folio looked at (-1: none), whether a PTE was writable, the young PTEs, the none
     * or zero ones.
     */
    record Scan(ScanResult result, int[] load, int swapPtes, long pfn, boolean writable, int referenced, int none) {
        Scan(ScanResult result, int[] load, int swapPtes) {
            this(result, load, swapPtes, -1, false, 0, 0);
        }
    }

    public Collapser(MmCore k, Rmap rmap, FaultHandler faults) {
        this.k = k;
        this.rmap = rmap;
        this.faults = faults;
    }

    /**
     * Scans the range [haddr, haddr + 2 MiB) of owner's vma and collapses it if the scan allows.
     * The range must lie inside the VMA (callers check thp_vma_allowable_order).
     */
    public ScanResult collapse(Task owner, Vma vma, long haddr, Control cc) {
        if ((haddr & (HPAGE_PMD_SIZE - 1)) != 0 || haddr < vma.start() || haddr + HPAGE_PMD_SIZE > vma.end()) {
            return ScanResult.SCAN_ADDRESS_RANGE;
        }
        Dispatcher d = k.dispatcher();
        var prev = d == null ? null : d.enter(cc.khugepaged() ? org.mmproto.api.driver.TaskRef.KERNEL : cc.caller().ref());
        try {
            return collapseRange(owner, vma, haddr, cc);
        } finally {
            if (d != null) {
                d.enter(prev);
            }
        }
    }

    /**
     * hpage_collapse_scan_pmd: the scan, and the collapse when it succeeded; traced as the kernel
     * does, mm_collapse_huge_page at the end of each collapse attempt and mm_khugepaged_scan_pmd
     * with the scan's counts and the final result (for khugepaged and MADV_COLLAPSE alike).
     */
    private ScanResult collapseRange(Task owner, Vma vma, long haddr, Control cc) {
        Plans plans = new Plans();
        Scan s = scan(vma, haddr, cc, plans);
        ScanResult r = s.result();
        Tracer tracer = k.mem().tracer();
        int scanNid = s.pfn() >= 0 ? k.memmap().nid(s.pfn()) : -1; // before the collapse frees the page
        if (r == ScanResult.SCAN_SUCCEED) {
            r = collapseHugePage(owner, vma, haddr, cc, s, plans);
            if (tracer.on(Tracepoint.MM_COLLAPSE_HUGE_PAGE)) {
                tracer.emit(Tracepoint.MM_COLLAPSE_HUGE_PAGE, -1, Tracer.mm(owner.pid()),
                        r == ScanResult.SCAN_SUCCEED ? 1 : 0, r.traceName());
            }
        }
        if (tracer.on(Tracepoint.MM_KHUGEPAGED_SCAN_PMD)) {
            tracer.emit(Tracepoint.MM_KHUGEPAGED_SCAN_PMD, scanNid,
                    Tracer.mm(owner.pid()), Math.max(s.pfn(), 0), s.writable() ? 1 : 0, s.referenced(), s.none(),
                    r.traceName(), s.swapPtes());
        }
        return r;
    }

    /** collapse_huge_page, after a scan that allowed it. */
    private ScanResult collapseHugePage(Task owner, Vma vma, long haddr, Control cc, Scan s, Plans plans) {
        long head = allocTarget(s.load(), plans, cc);
        if (head < 0) {
            return ScanResult.SCAN_ALLOC_HUGE_PAGE_FAIL;
        }
        if (s.swapPtes() > 0 && !swapIn(owner, vma, haddr)) {
            k.folioRelease().folioPut(head, FreePath.FOLIO_PUT);
            return ScanResult.SCAN_FAIL;
        }
        Scan isolated = scan(vma, haddr, cc, plans); // __collapse_huge_page_isolate
        if (isolated.result() != ScanResult.SCAN_SUCCEED) {
            k.folioRelease().folioPut(head, FreePath.FOLIO_PUT);
            return isolated.result();
        }
        Dispatcher d = k.dispatcher();
        int dst = k.memmap().nid(head);
        if (d != null) {
            // __collapse_huge_page_copy: each present page's data is copied, pte_none ones cleared
            long[] src = new long[HPAGE_PMD_NR];
            for (int i = 0; i < HPAGE_PMD_NR; i++) {
                long pte = vma.pte(haddr + ((long) i << 12));
                src[i] = pte == 0 || (pte & Pte.ZERO) != 0 || Pte.isSwap(pte) ? -1 : Pte.pfn(pte);
            }
            d.deviceCollapse(head, src);
            reportLeaving(d, vma, haddr, dst, cc);
        }
        PmdCollapse.replace(k, rmap, vma, haddr, head, d != null && d.writeProtected(dst));
        return ScanResult.SCAN_SUCCEED;
    }

    /** hpage_collapse_scan_pmd's per-PTE checks, in the kernel's order. */
    Scan scan(Vma vma, long haddr, Control cc, Plans plans) {
        int[] load = new int[k.mem().nodeCount()];
        if (vma.pmd(haddr) != 0) {
            return new Scan(ScanResult.SCAN_PMD_MAPPED, load, 0);
        }
        if (!PmdCollapse.pteTablePresent(vma, haddr)) {
            return new Scan(ScanResult.SCAN_PMD_NONE, load, 0);
        }
        Memmap mm = k.memmap();
        KhugepagedTunables lim = cc.limits();
        int none = 0;
        int swap = 0;
        int shared = 0;
        int referenced = 0;
        boolean writable = false;
        long pfn = -1;
        for (int i = 0; i < HPAGE_PMD_NR; i++) {
            long a = haddr + ((long) i << 12);
            long pte = vma.pte(a);
            if (Pte.isSwap(pte)) {
                swap++;
                if (!cc.khugepaged() || swap <= lim.maxPtesSwap()) {
                    continue;
                }
                count(VmStat.THP_SCAN_EXCEED_SWAP_PTE);
                return new Scan(ScanResult.SCAN_EXCEED_SWAP_PTE, load, swap, pfn, writable, referenced, none);
            }
            if (pte == 0 || (pte & Pte.ZERO) != 0) {
                none++;
                if (!cc.khugepaged() || none <= lim.maxPtesNone()) {
                    continue;
                }
                count(VmStat.THP_SCAN_EXCEED_NONE_PTE);
                return new Scan(ScanResult.SCAN_EXCEED_NONE_PTE, load, swap, pfn, writable, referenced, none);
            }
            if (!Pte.present(pte)) {
                return new Scan(ScanResult.SCAN_PTE_NON_PRESENT, load, swap, pfn, writable, referenced, none);
            }
            writable |= (pte & Pte.WRITE) != 0;
            long head = rmap.folioHead(pte);
            pfn = head;
            int nid = mm.nid(head);
            if (skippedByDesign(head, nid, a, cc, plans)) {
                return new Scan(ScanResult.SCAN_PAGE_NULL, load, swap, pfn, writable, referenced, none); // vm_normal_page: like ZONE_DEVICE
            }
            if (mm.order(head) > 0) {
                return new Scan(ScanResult.SCAN_PAGE_COMPOUND, load, swap, pfn, writable, referenced, none);
            }
            shared += mm.mapcount(head) > 1 ? 1 : 0;
            if (mm.mapcount(head) > 1 && cc.khugepaged() && shared > lim.maxPtesShared()) {
                count(VmStat.THP_SCAN_EXCEED_SHARE_PTE);
                return new Scan(ScanResult.SCAN_EXCEED_SHARED_PTE, load, swap, pfn, writable, referenced, none);
            }
            load[nid]++;
            int flags = mm.flags(head);
            if ((flags & Memmap.PG_LRU) == 0) {
                return new Scan(ScanResult.SCAN_PAGE_LRU, load, swap, pfn, writable, referenced, none);
            }
            if ((flags & Memmap.PG_ANON) == 0) {
                return new Scan(ScanResult.SCAN_PAGE_ANON, load, swap, pfn, writable, referenced, none);
            }
            if (mm.refcount(head) != mm.mapcount(head)) {
                return new Scan(ScanResult.SCAN_PAGE_COUNT, load, swap, pfn, writable, referenced, none); // is_refcount_suitable: a pin
            }
            referenced += (pte & Pte.YOUNG) != 0 ? 1 : 0;
        }
        if (!writable) {
            return new Scan(ScanResult.SCAN_PAGE_RO, load, swap, pfn, writable, referenced, none);
        }
        if (cc.khugepaged() && (referenced == 0 || (swap > 0 && referenced < HPAGE_PMD_NR / 2))) {
            return new Scan(ScanResult.SCAN_LACK_REFERENCED_PAGE, load, swap, pfn, writable, referenced, none);
        }
        return new Scan(ScanResult.SCAN_SUCCEED, load, swap, pfn, writable, referenced, none);
    }

    /** Site.KHUGEPAGED, once per range and private node. */
    private boolean skippedByDesign(long head, int nid, long addr, Control cc, Plans plans) {
        Dispatcher d = k.dispatcher();
        if (d == null || !d.isPrivate(nid)) {
            return false;
        }
        long bit = 1L << nid;
        if ((plans.asked & bit) == 0) {
            plans.asked |= bit;
            CollapsePlan p = d.collapse(head, addr, !cc.khugepaged());
            plans.skip |= p == CollapsePlan.SKIP ? bit : 0;
            plans.onNode |= p == CollapsePlan.ON_NODE_ONLY ? bit : 0;
        }
        return (plans.skip & bit) != 0;
    }

    /**
     * alloc_charge_folio: __folio_alloc(gfp, HPAGE_PMD_ORDER, nid, &alloc_nmask), counted as
     * thp_collapse_alloc or thp_collapse_alloc_failed. A design that keeps the collapse on a
     * private node (ON_NODE_ONLY) makes it __GFP_THISNODE there.
     */
    long allocTarget(int[] load, Plans plans, Control cc) {
        int max = 0;
        int nid = 0;
        for (int n = 0; n < load.length; n++) {
            if (load[n] > max) {
                max = load[n];
                nid = n;
            }
        }
        NodeMask mask = NodeMask.NONE;
        long intent = 0;
        for (int n = 0; n < load.length; n++) {
            if (load[n] == max) {
                mask = mask.with(n);
            }
            if (load[n] > 0 && k.dispatcher() != null && k.dispatcher().isPrivate(n)) {
                intent |= 1L << n; // collapsing in place aims at the node the pages are on
            }
        }
        int gfp = (!cc.khugepaged() || cc.limits().defrag() ? Gfp.GFP_TRANSHUGE : Gfp.GFP_TRANSHUGE_LIGHT).bits();
        if (plans.onNode != 0) {
            int best = -1;
            for (int n = 0; n < load.length; n++) {
                if ((plans.onNode & (1L << n)) != 0 && (best < 0 || load[n] > load[best])) {
                    best = n;
                }
            }
            nid = best;
            mask = null;
            gfp |= Gfp.Bits.THISNODE;
        }
        // v5 lists MADV_COLLAPSE under USER_NUMA: the user's request is the syscall reason; khugepaged has none
        MigrateReason reason = cc.khugepaged() ? null : MigrateReason.MR_SYSCALL;
        int localNid = cc.caller() != null ? cc.caller().nid() : nid;
        long pfn = alloc(nid, gfp, mask, intent, reason, localNid);
        int counted = pfn >= 0 ? k.memmap().nid(pfn) : nid;
        k.mem().count(counted, pfn >= 0 ? VmStat.THP_COLLAPSE_ALLOC : VmStat.THP_COLLAPSE_ALLOC_FAILED, 1);
        return pfn;
    }

    private long alloc(int nid, int gfp, NodeMask mask, long intent, MigrateReason reason, int localNid) {
        Dispatcher d = k.dispatcher();
        if (d == null) {
            return k.alloc().allocPages(gfp, HPAGE_PMD_ORDER, nid, mask, localNid);
        }
        if (!d.isPrivate(nid)) {
            k.alloc().prepare(ZonelistKind.DEFAULT, true, intent, reason);
            return k.alloc().allocPages(gfp, HPAGE_PMD_ORDER, nid, mask, localNid);
        }
        AllocContext ctx = d.userAllocation(new UserAllocation(nid, Gfp.of(gfp), HPAGE_PMD_ORDER, Site.KHUGEPAGED,
                reason, mask, false, false, localNid, d.current()));
        if (ctx.taskScope()) {
            d.taskScope(true);
        }
        try {
            k.alloc().prepare(ctx.zonelist(), true, intent, reason);
            return k.alloc().allocPages(ctx.gfp().bits(), HPAGE_PMD_ORDER, ctx.startNid() >= 0 ? ctx.startNid() : nid,
                    mask, localNid);
        } finally {
            if (ctx.taskScope()) {
                d.taskScope(false);
            }
        }
    }

    /** __collapse_huge_page_swapin: do_swap_page for each swap entry of the range. */
    private boolean swapIn(Task owner, Vma vma, long haddr) {
        for (int i = 0; i < HPAGE_PMD_NR; i++) {
            long a = haddr + ((long) i << 12);
            if (Pte.isSwap(vma.pte(a)) && faults.handle(owner, a, false) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The escape invariant for the pages a collapse takes off a private node. */
    private void reportLeaving(Dispatcher d, Vma vma, long haddr, int dst, Control cc) {
        Map<Integer, Long> firstPfn = new HashMap<>();
        for (int i = 0; i < HPAGE_PMD_NR; i++) {
            long pte = vma.pte(haddr + ((long) i << 12));
            if (Pte.present(pte) && (pte & Pte.ZERO) == 0) {
                long head = rmap.folioHead(pte);
                firstPfn.putIfAbsent(k.memmap().nid(head), head);
            }
        }
        firstPfn.forEach((from, pfn) -> d.collapsedOff(pfn, from, dst, !cc.khugepaged()));
    }

    private void count(VmStat item) {
        // count_vm_event: a per-CPU event; mmproto keeps vm events per node, khugepaged's on node 0
        k.mem().count(0, item, 1);
    }
}
