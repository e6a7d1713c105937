package org.mmproto.core.task;

import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.driver.Decisions;
import org.mmproto.api.driver.DeviceStore;
import org.mmproto.api.driver.Requests;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.mm.Lru;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.stats.VmStat;

/**
 * handle_mm_fault for the mappings mmproto models: anonymous private memory (zero page on read,
 * a new folio on write, fault-time THP, copy-on-write after fork), memfd shared (the file's
 * page-cache folios) and memfd private (page cache on read, an anon copy on write). Every
 * allocation goes through the {@link PolicyAllocation} port, so the task's and VMA's memory policy decides the
 * node.
 */
public final class FaultHandler {
    static final int HPAGE_PMD_ORDER = 9;
    static final int HPAGE_PMD_NR = 1 << HPAGE_PMD_ORDER;
    static final long ANON_FLAGS = Memmap.PG_ANON | Memmap.PG_SWAPBACKED | Memmap.PG_LRU;

    private final MmCore k;
    private final Rmap rmap;
    private final TransparentHugepage thp;
    private final FolioPromotion promotion;
    private final Memmap mm;
    private final Lru lru;
    private final PolicyAllocation policyAlloc;
    private NumaHintFaults numaHints = NumaHintFaults.NONE;
    /** Only machines with private nodes pay for the write-protection checks. */
    private final boolean privateNodes;
    /** Faults name their task to the dispatcher: private nodes ask, tracepoints and fail points name it. */
    private final boolean namesTask;

    public FaultHandler(MmCore k, Rmap rmap, TransparentHugepage thp, PolicyAllocation policyAlloc,
                        FolioPromotion promotion) {
        this.k = k;
        this.rmap = rmap;
        this.thp = thp;
        this.promotion = promotion;
        this.mm = k.memmap();
        this.lru = k.lru();
        this.policyAlloc = policyAlloc;
        this.privateNodes = k.dispatcher() != null && k.dispatcher().hasPrivateNodes();
        this.namesTask = privateNodes || k.dispatcher() != null && (k.mem().tracer().active() || k.mem().faults().active());
    }

    /** NUMA balancing's hint-fault handling (the tiering subsystem, wired by the kernel). */
    public void attachNumaHints(NumaHintFaults hints) {
        this.numaHints = hints;
    }

    /** The dispatcher user stores are reported through, or null on a machine without private nodes. */
    Dispatcher dispatcherForStores() {
        return privateNodes ? k.dispatcher() : null;
    }

    /**
     * Handles a fault at addr; returns 0, -EFAULT (no VMA or no permission: SIGSEGV; past the end
     * of a memfd: SIGBUS) or -ENOMEM (VM_FAULT_OOM).
     */
    public int handle(Task t, long addr, boolean write) {
        Mm m = t.mm;
        return handle(t, m == null ? null : m.find(addr), addr, write);
    }

    /** The fault with the dispatcher told which task it acts for (machines with private nodes). */
    int handleFor(Task t, Vma vma, long addr, boolean write) {
        if (!namesTask) {
            return handle(t, vma, addr, write);
        }
        var prev = k.dispatcher().enter(t.ref());
        try {
            return handle(t, vma, addr, write);
        } finally {
            k.dispatcher().enter(prev);
        }
    }

    /** The fault at addr inside a VMA the caller already looked up (null = no VMA). */
    int handle(Task t, Vma vma, long addr, boolean write) {
        int r = resolve(t, vma, addr, write);
        if (r == 0 && write && privateNodes) {
            long pte = vma.pte(addr & ~(Mm.PAGE_SIZE - 1));
            if ((pte & Pte.ZERO) == 0) {
                long head = rmap.folioHead(pte);
                k.dispatcher().writeAccess(head, false);
                k.dispatcher().deviceStore(head, Pte.pfn(pte), 1, DeviceStore.Kind.CPU_WRITE);
            }
        } else if (r == 0 && privateNodes && k.dispatcher().observesLoads()) {
            long pte = vma.pte(addr & ~(Mm.PAGE_SIZE - 1));
            if ((pte & Pte.ZERO) == 0) {
                k.dispatcher().deviceLoad(rmap.folioHead(pte), Pte.pfn(pte), 1); // the device serves the load (R4.17)
            }
        }
        return r;
    }

    private int resolve(Task t, Vma vma, long addr, boolean write) {
        if (vma == null || (write && (vma.flags & Vma.VM_WRITE) == 0) || (vma.flags & Vma.VM_READ) == 0) {
            return -Errno.EFAULT.code();
        }
        long page = addr & ~(Mm.PAGE_SIZE - 1);
        long pte = vma.pte(page);
        if (vma.deviceNid >= 0 && pte == 0 && k.mem().node(vma.deviceNid).presentPages() == 0) {
            return -Errno.EFAULT.code(); // SIGBUS: the device's memory is not onlined
        }
        boolean splitForWrite = false;
        if (Pte.isPmd(pte)) {
            int r = hugePmdFault(t, vma, page, pte, write);
            if (r <= 0) {
                return r;
            }
            splitForWrite = r == 2; // its pgfault is counted
            pte = vma.pte(page); // do_huge_pmd_wp_page split the PMD: the PTE-level fault goes on
        }
        if (Pte.present(pte)) {
            if ((pte & Pte.PROTNONE) != 0) {
                numaHintFault(t, vma, page, pte);
                return resolve(t, vma, addr, write);
            }
            if (!write || (pte & Pte.WRITE) != 0) {
                vma.setPte(page, pte | Pte.YOUNG | (write ? Pte.DIRTY : 0));
                return 0;
            }
            if (!splitForWrite) {
                k.mem().count(t.nid, VmStat.PGFAULT, 1);
            }
            boolean mayReuse = true;
            if (privateNodes && (pte & Pte.ZERO) == 0) {
                int r = protectedWriteFault(t, vma, page, pte);
                if (r <= 0) {
                    return r;
                }
                mayReuse = r != COPY_REFUSING_REUSE;
                pte = vma.pte(page);
            }
            return wpFault(t, vma, page, pte, mayReuse);
        }
        k.mem().count(t.nid, VmStat.PGFAULT, 1);
        if (Pte.isSwap(pte)) {
            return swapIn(t, vma, page, pte, write);
        }
        boolean thpFirst = vma.isAnon() && write && thpEligible(vma, page);
        if (!thpFirst) {
            // __handle_mm_fault's pud/pmd_alloc, then pte_alloc (do_anonymous_page) or the
            // preallocated PTE table of a file fault (__do_fault): all before the folio
            int tr = vma.pt.ensure(page >>> 12);
            if (tr < 0) {
                return tr;
            }
        }
        int r = switch (vma.backing) {
            case ANON_PRIVATE -> anonFault(t, vma, page, write, thpFirst);
            case MEMFD_SHARED -> sharedFileFault(t, vma, page, write);
            case MEMFD_PRIVATE -> privateFileFault(t, vma, page, write);
        };
        if (r == 0 && privateNodes) {
            writeProtectIfNeeded(vma, page);
        }
        return r;
    }

    /**
     * do_numa_page: a page fault (pgfault) on a PROT_NONE hinting entry; the entry is made present
     * again (numa_hint_faults, numa_hint_faults_local when the folio is on the task's node) and
     * NUMA balancing may migrate the folio; the access itself is then resolved as usual.
     */
    private void numaHintFault(Task t, Vma vma, long page, long pte) {
        k.mem().count(t.nid, VmStat.PGFAULT, 1);
        vma.setPte(page, pte & ~Pte.PROTNONE);
        long head = rmap.folioHead(pte);
        k.mem().count(t.nid, VmStat.NUMA_HINT_FAULTS, 1);
        if (mm.nid(head) == t.nid) {
            k.mem().count(t.nid, VmStat.NUMA_HINT_FAULTS_LOCAL, 1);
        }
        boolean defaultPolicy = vma.policy() == null && (t.policy() == null || t.policy().mode() == MemPolicy.MPOL_DEFAULT);
        numaHints.hintFault(t, head, defaultPolicy);
    }

    /** A fresh mapping of a folio on a write-protected private node loses its write bit. */
    private void writeProtectIfNeeded(Vma vma, long page) {
        long pte = vma.pte(page);
        if ((pte & Pte.WRITE) == 0 || (pte & Pte.ZERO) != 0) {
            return;
        }
        long head = rmap.folioHead(pte);
        if (k.dispatcher().writeProtected(mm.nid(head))) {
            if (Pte.isPmd(pte)) {
                vma.setPmd(page, vma.pmd(page) & ~Pte.WRITE);
            } else {
                vma.setPte(page, pte & ~Pte.WRITE);
            }
        }
    }

    /**
     * A fault on a huge PMD (huge_pmd_set_accessed, do_huge_pmd_wp_page): a read or a permitted
     * write marks the PMD young (and dirty); a write to a write-protected PMD reuses the folio when
     * this PMD is its only mapping and reference, else splits the PMD and returns 1 so the write
     * is handled at PTE level (wp_page_copy of one 4 KiB page), as 6.12 does for anon THPs.
     */
    private int hugePmdFault(Task t, Vma vma, long page, long view, boolean write) {
        long pmd = vma.pmd(page);
        if (!write || (pmd & Pte.WRITE) != 0) {
            vma.setPmd(page, pmd | Pte.YOUNG | (write ? Pte.DIRTY : 0));
            return 0;
        }
        long head = Pte.pfn(pmd);
        if (privateNodes && k.dispatcher().writeProtected(mm.nid(head))) {
            ThpSplit.splitPmd(k, vma, page & -Mm.PMD_SIZE); // the driver's handle_fault works per page
            return 1;
        }
        k.mem().count(t.nid, VmStat.PGFAULT, 1);
        if (mm.mapcount(head) == 1 && mm.refcount(head) == 1) {
            vma.setPmd(page, pmd | Pte.WRITE | Pte.DIRTY | Pte.YOUNG);
            return 0;
        }
        ThpSplit.splitPmd(k, vma, page & -Mm.PMD_SIZE);
        return 2; // the PTE-level fault below counts no second pgfault
    }

    /**
     * A write to a write-protected page whose folio sits on a write-protected private node goes
     * to the driver's handle_fault (Site.WRITE_FAULT): PROMOTE migrates the folio to the
     * faulting CPU's node first; RETRY asks again; FAIL is SIGBUS; COPY is copy-on-write with the
     * reuse check refusing the folio. Returns 1 when the ordinary write-protect handling should
     * continue, {@link #COPY_REFUSING_REUSE} when it must copy, 0 or -errno when done.
     */
    private int protectedWriteFault(Task t, Vma vma, long page, long pte) {
        var d = k.dispatcher();
        long head = rmap.folioHead(pte);
        if (!d.writeProtected(mm.nid(head))) {
            return 1;
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            var action = d.writeFault(head, page);
            if (action == Decisions.FaultAction.FAIL) {
                return -Errno.EFAULT.code();
            }
            if (action == Decisions.FaultAction.PROMOTE) {
                return promotion.promote(head, t.nid) ? 1 : -Errno.ENOMEM.code();
            }
            if (action == Decisions.FaultAction.COPY) {
                return COPY_REFUSING_REUSE;
            }
        }
        return -Errno.EFAULT.code();
    }

    /** {@code thp}: thpEligible, decided before the PTE table was allocated (nothing changed it since). */
    private int anonFault(Task t, Vma vma, long page, boolean write, boolean thp) {
        if (!write) {
            vma.setPte(page, Pte.make(k.zeroPfn(), Pte.ZERO | Pte.YOUNG));
            return 0;
        }
        if (thp) {
            int r = vma.pt.ensureUpper(page >>> 12);
            if (r == 0) {
                r = thpFault(t, vma, page);
            }
            if (r <= 0) {
                return r;
            }
            r = vma.pt.ensure(page >>> 12); // thp_fault_fallback: the PTE table of a small folio
            if (r < 0) {
                return r;
            }
        }
        long pfn = newAnonFolio(t, vma, page, 0);
        if (pfn < 0) {
            return (int) pfn;
        }
        vma.setPte(page, Pte.make(pfn, Pte.WRITE | Pte.DIRTY | Pte.YOUNG));
        return 0;
    }

    /** The policy's folio allocation, the dispatcher told what the folio is for (AllocRequest.backing). */
    private long alloc(Task t, Vma vma, long addr, int gfp, int order, Requests.Backing backing) {
        if (!privateNodes) {
            return policyAlloc.alloc(t, vma, addr, gfp, order);
        }
        Requests.Backing prev = k.dispatcher().faultBacking(backing);
        try {
            return policyAlloc.alloc(t, vma, addr, gfp, order);
        } finally {
            k.dispatcher().faultBacking(prev);
        }
    }

    private long newAnonFolio(Task t, Vma vma, long page, int order) {
        int gfp = Gfp.GFP_HIGHUSER_MOVABLE.bits() | Gfp.Bits.ZERO;
        long pfn = alloc(t, vma, page, gfp, order, Requests.Backing.ANON);
        if (pfn < 0) {
            return pfn;
        }
        var z = mm.initMapped(pfn, (int) ANON_FLAGS, 1);
        rmap.anonFault(pfn, vma, page); // __folio_set_anon: folio->mapping, folio->index
        lru.add(z, pfn, order, false);
        return pfn;
    }

    /**
     * do_swap_page without a swap cache: a new folio placed by the VMA's policy (as
     * swap_cache_alloc_folio does), read from the slot (pswpin, a major fault), the slot's
     * reference dropped. A slot several entries share (fork) is read once per entry, each into
     * a folio of its own: the model has no swap cache to share one folio between them.
     */
    private int swapIn(Task t, Vma vma, long page, long pte, boolean write) {
        if (privateNodes) {
            int r = swapInFolio(t, vma, page, pte, write);
            if (r == 0) {
                writeProtectIfNeeded(vma, page);
            }
            return r;
        }
        return swapInFolio(t, vma, page, pte, write);
    }

    private int swapInFolio(Task t, Vma vma, long page, long pte, boolean write) {
        long pfn = alloc(t, vma, page, Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0, Requests.Backing.ANON);
        if (pfn < 0) {
            return (int) pfn;
        }
        mm.initMapped(pfn, (int) ANON_FLAGS, 1);
        rmap.anonFault(pfn, vma, page);
        lru.add(pfn, 0, false);
        byte content = k.swap().content(Pte.swapSlot(pte));
        k.swap().put(Pte.swapSlot(pte));
        if (privateNodes) {
            k.dispatcher().deviceSwapIn(pfn, content); // the page comes back as the kind it left as
        }
        k.mem().count(t.nid, VmStat.PGMAJFAULT, 1);
        k.mem().count(mm.nid(pfn), VmStat.PSWPIN, 1);
        boolean writable = write && (vma.flags & Vma.VM_WRITE) != 0;
        vma.setPte(page, Pte.make(pfn, Pte.YOUNG | (writable ? Pte.WRITE | Pte.DIRTY : 0)));
        return 0;
    }

    boolean thpEligible(Vma vma, long page) {
        if (!vma.isAnon() || (vma.flags & Vma.VM_NOHUGEPAGE) != 0) {
            return false;
        }
        boolean enabled = switch (thp.mode()) {
            case ALWAYS -> true;
            case MADVISE -> (vma.flags & Vma.VM_HUGEPAGE) != 0;
            case NEVER -> false;
        };
        if (!enabled) {
            return false;
        }
        long haddr = page & -Mm.PMD_SIZE;
        if (haddr < vma.start || haddr + Mm.PMD_SIZE > vma.end) {
            return false;
        }
        // pmd_none: no PTE table covers the range yet (an empty one left by MADV_DONTNEED counts)
        return !vma.pt.leafPresent(haddr >>> 12);
    }

    /**
     * do_huge_pmd_anonymous_page: an order-9 folio, then the PTE table it deposits
     * (pgtable_trans_huge_deposit, not in use while the PMD maps the folio). Returns 0, 1 for
     * thp_fault_fallback (no folio), or -ENOMEM when the deposit table could not be allocated
     * (VM_FAULT_OOM: the folio is put back, no fallback).
     */
    private int thpFault(Task t, Vma vma, long page) {
        long haddr = page & -Mm.PMD_SIZE;
        // vma_thp_gfp_mask with the default defrag=madvise: direct reclaim only for MADV_HUGEPAGE VMAs.
        Gfp gfp = (vma.flags & Vma.VM_HUGEPAGE) != 0 ? Gfp.GFP_TRANSHUGE : Gfp.GFP_TRANSHUGE_LIGHT;
        long pfn = alloc(t, vma, haddr, gfp.bits() | Gfp.Bits.ZERO, HPAGE_PMD_ORDER, Requests.Backing.ANON);
        if (pfn < 0) {
            k.mem().count(t.nid, VmStat.THP_FAULT_FALLBACK, 1);
            return 1;
        }
        int tr = vma.pt.mapHuge(haddr >>> 12, Pte.make(pfn, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.HUGE | Pte.PMD));
        if (tr < 0) {
            k.folioRelease().folioPut(pfn, FreePath.FOLIO_PUT);
            return tr;
        }
        k.mem().count(t.nid, VmStat.THP_FAULT_ALLOC, 1);
        mm.setFlags(pfn, (int) ANON_FLAGS);
        lru.add(pfn, HPAGE_PMD_ORDER, false);
        // folio_add_new_anon_rmap(RMAP_LEVEL_PMD): one mapping (entire_mapcount 1), the allocation's reference
        mm.addMapcount(pfn, 1);
        mm.addEntireMapcount(pfn, 1);
        return 0;
    }

    /** do_wp_page: a write to a present, write-protected entry. */
    /** wp_can_reuse_anon_folio refuses the folio (v5's write fence, as for KSM folios). */
    private static final int COPY_REFUSING_REUSE = 2;

    private int wpFault(Task t, Vma vma, long page, long pte, boolean mayReuse) {
        if (vma.isShared()) {
            vma.setPte(page, pte | Pte.WRITE | Pte.DIRTY | Pte.YOUNG);
            return 0;
        }
        if ((pte & Pte.ZERO) != 0) {
            long pfn = newAnonFolio(t, vma, page, 0);
            if (pfn < 0) {
                return (int) pfn;
            }
            vma.setPte(page, Pte.make(pfn, Pte.WRITE | Pte.DIRTY | Pte.YOUNG));
            return 0;
        }
        long old = rmap.folioHead(pte);
        boolean anon = (mm.flags(old) & Memmap.PG_ANON) != 0;
        if (mayReuse && anon && mm.order(old) == 0 && mm.mapcount(old) == 1 && mm.refcount(old) == 1) {
            // wp_can_reuse_anon_folio: sole owner
            vma.setPte(page, pte | Pte.WRITE | Pte.DIRTY | Pte.YOUNG);
            return 0;
        }
        long pfn = newAnonFolio(t, vma, page, 0);
        if (pfn < 0) {
            return (int) pfn;
        }
        vma.setPte(page, Pte.make(pfn, Pte.WRITE | Pte.DIRTY | Pte.YOUNG));
        mm.addMapcount(old, -1);
        if (!k.folioRelease().folioPut(old, FreePath.FOLIO_PUT) && mm.order(old) > 0) {
            ThpSplit.deferIfPartlyMapped(k, old);
        }
        return 0;
    }

    /** shmem_fault: find or create the page-cache folio, then map it. */
    private int sharedFileFault(Task t, Vma vma, long page, boolean write) {
        long pfn = cacheFolio(t, vma, page);
        if (pfn < 0) {
            return (int) pfn;
        }
        mm.addRefs(pfn, 1);
        mm.addMapcount(pfn, 1);
        vma.setPte(page, Pte.make(pfn, Pte.YOUNG | (write ? Pte.WRITE | Pte.DIRTY : 0)));
        return 0;
    }

    private int privateFileFault(Task t, Vma vma, long page, boolean write) {
        long cached = cacheFolio(t, vma, page);
        if (cached < 0) {
            return (int) cached;
        }
        if (!write) {
            mm.addRefs(cached, 1);
            mm.addMapcount(cached, 1);
            vma.setPte(page, Pte.make(cached, Pte.YOUNG));
            return 0;
        }
        long pfn = newAnonFolio(t, vma, page, 0);
        if (pfn < 0) {
            return (int) pfn;
        }
        vma.setPte(page, Pte.make(pfn, Pte.WRITE | Pte.DIRTY | Pte.YOUNG));
        return 0;
    }

    /** The memfd folio at the page's file index, allocated into the page cache if absent. */
    private long cacheFolio(Task t, Vma vma, long page) {
        ShmemFile f = vma.file;
        long index = vma.fileIndex(page);
        if (!f.cacheable(index)) {
            return -Errno.EFAULT.code(); // SIGBUS: beyond EOF (or the page cache's 256 TiB)
        }
        long pfn = f.cachedPfn(index);
        if (pfn >= 0) {
            return pfn;
        }
        pfn = alloc(t, vma, page, Gfp.GFP_HIGHUSER_MOVABLE.bits(), 0,
                vma.isShared() ? Requests.Backing.SHMEM_SHARED : Requests.Backing.SHMEM_PRIVATE);
        if (pfn < 0) {
            return pfn;
        }
        mm.setFlags(pfn, Memmap.PG_SWAPBACKED | Memmap.PG_LRU);
        lru.add(pfn, 0, false); // shmem folios are swap-backed: the anon lists
        if (privateNodes) {
            k.dispatcher().deviceStore(pfn, pfn, 1, DeviceStore.Kind.ZEROED); // shmem clears a new folio
        }
        f.setCached(index, pfn);
        return pfn;
    }
}
