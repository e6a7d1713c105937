package org.mmproto.core.task;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mmproto.api.Errno;
import org.mmproto.api.driver.DeviceStore;
import org.mmproto.api.FreePath;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.core.mm.Memmap;

/**
 * The address-space system calls and events: mmap, munmap, madvise, memfd_create, touching
 * memory, fork and exit. Results are 0/positive values or a negated errno, as the syscalls return.
 * mremap's moves ({@link Mremap}) and mprotect ({@link Mprotect}) have classes of their own.
 */
public final class MmOps {
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int PROT_EXEC = 0x4;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    /** Don't charge the mapping to Committed_AS (VM_NORESERVE), unless vm.overcommit_memory is 2. */
    public static final int MAP_NORESERVE = 0x4000;
    /** MAP_FIXED, but an existing mapping in the range is an error (EEXIST), not replaced. */
    public static final int MAP_FIXED_NOREPLACE = 0x100000;
    public static final int PROT_SEM = 0x8;
    public static final int PROT_GROWSDOWN = 0x01000000;
    public static final int PROT_GROWSUP = 0x02000000;
    /** vm_flags' VM_NORESERVE (include/linux/mm.h: bit 21): MAP_NORESERVE, no commit charge, not even on a later mprotect. */
    public static final int VM_NORESERVE = 0x00200000;
    public static final int MADV_DONTNEED = 4;
    public static final int MADV_FREE = LruAdvice.MADV_FREE;
    public static final int MADV_COLD = LruAdvice.MADV_COLD;
    public static final int MADV_PAGEOUT = LruAdvice.MADV_PAGEOUT;
    public static final int MADV_MERGEABLE = 12;
    public static final int MADV_UNMERGEABLE = 13;
    public static final int MADV_HUGEPAGE = 14;
    public static final int MADV_NOHUGEPAGE = 15;
    public static final int MADV_COLLAPSE = 25;

    private final MmCore k;
    private final Tasks tasks;
    private final Rmap rmap;
    private final Overcommit overcommit;
    private final FaultHandler faults;
    private final Zap zap;
    private final LruAdvice lruAdvice;
    private final Mremap mremap;
    private final Mprotect mprotect;
    private HugepageCollapse collapse = HugepageCollapse.NONE;

    public MmOps(MmCore k, Tasks tasks, Rmap rmap, Overcommit overcommit, FaultHandler faults) {
        this.k = k;
        this.tasks = tasks;
        this.rmap = rmap;
        this.overcommit = overcommit;
        this.faults = faults;
        this.zap = new Zap(k, rmap);
        this.lruAdvice = new LruAdvice(k, rmap);
        this.mremap = new Mremap(this, k, rmap, overcommit);
        this.mprotect = new Mprotect(overcommit);
    }

    /** Where MADV_PAGEOUT's folios go (reclaim_pages); none until the reclaim subsystem attaches. */
    public void attachFolioReclaim(FolioReclaim r) {
        lruAdvice.attach(r);
    }

    static long pageAlign(long len) {
        return (len + Mm.PAGE_SIZE - 1) & -Mm.PAGE_SIZE;
    }

    static int err(Errno e) {
        return -e.code();
    }

    /** mmap_min_addr: CONFIG_DEFAULT_MMAP_MIN_ADDR of Debian's and most distributions' x86-64 kernels. */
    public static final long MMAP_MIN_ADDR = 65536;

    /**
     * mmap(addr, len, prot, flags, fd, offset). {@code file} is the memfd for a file mapping (null
     * with MAP_ANONYMOUS). Returns the address or -errno. The checks come in the kernel's order
     * (6.12: arch sys_mmap, ksys_mmap_pgoff, do_mmap, __get_unmapped_area, mmap_region); len and
     * addr are C {@code unsigned long}s, so a "negative" length is a huge one.
     */
    public long mmap(Task t, long addr, long len, int prot, int flags, ShmemFile file, long offset, String label) {
        if (t.mm == null) {
            return err(Errno.EINVAL);
        }
        if ((offset & (Mm.PAGE_SIZE - 1)) != 0) {
            return err(Errno.EINVAL); // arch/x86 sys_mmap: off & ~PAGE_MASK
        }
        boolean anon = (flags & MAP_ANONYMOUS) != 0;
        if (!anon && file == null) {
            return err(Errno.EBADF); // ksys_mmap_pgoff: fget(fd) failed
        }
        if (len == 0) {
            return err(Errno.EINVAL); // do_mmap: !len
        }
        len = pageAlign(len);
        if (len == 0) {
            return err(Errno.ENOMEM); // do_mmap: PAGE_ALIGN wrapped (len near SIZE_MAX)
        }
        long pgoff = offset >>> 12;
        if (Long.compareUnsigned(pgoff + (len >>> 12), pgoff) < 0) {
            return err(Errno.EOVERFLOW); // do_mmap: pgoff + pages wraps
        }
        if (Long.compareUnsigned(len, Mm.TASK_SIZE) > 0) {
            return err(Errno.ENOMEM); // __get_unmapped_area: len > TASK_SIZE
        }
        long start;
        boolean noreplace = (flags & MAP_FIXED_NOREPLACE) != 0;
        boolean fixed = (flags & MAP_FIXED) != 0 || noreplace; // do_mmap: NOREPLACE implies MAP_FIXED
        if (fixed) {
            if (Long.compareUnsigned(addr, Mm.TASK_SIZE - len) > 0) {
                return err(Errno.ENOMEM); // __get_unmapped_area: addr > TASK_SIZE - len
            }
            if ((addr & (Mm.PAGE_SIZE - 1)) != 0) {
                return err(Errno.EINVAL); // __get_unmapped_area: offset_in_page(addr)
            }
            if (addr < MMAP_MIN_ADDR && !t.capable("CAP_SYS_RAWIO")) {
                return err(Errno.EPERM); // security_mmap_addr -> cap_mmap_addr (dac_mmap_min_addr)
            }
            if (noreplace && !t.mm.intersecting(addr, addr + len).isEmpty()) {
                return err(Errno.EEXIST); // do_mmap: find_vma_intersection under MAP_FIXED_NOREPLACE
            }
            start = addr;
        } else if (hintFits(t.mm, addr & -Mm.PAGE_SIZE, len)) {
            start = addr & -Mm.PAGE_SIZE; // arch_get_unmapped_area_topdown: a free, valid hint is taken as is
        } else {
            start = t.mm.unmappedArea(len, len >= Mm.PMD_SIZE ? Mm.PMD_SIZE : Mm.PAGE_SIZE);
            if (start < 0) {
                return err(Errno.ENOMEM);
            }
        }
        int type = flags & (MAP_SHARED | MAP_PRIVATE);
        boolean sharedValidate = type == (MAP_SHARED | MAP_PRIVATE) && !anon; // MAP_SHARED_VALIDATE, files only
        if (type == 0 || (type == (MAP_SHARED | MAP_PRIVATE) && !sharedValidate)) {
            return err(Errno.EINVAL); // do_mmap: switch (flags & MAP_TYPE) default
        }
        boolean shared = type == MAP_SHARED || sharedValidate;
        int vmFlags = Vma.VM_MAYREAD | Vma.VM_MAYWRITE;
        vmFlags |= (prot & PROT_READ) != 0 ? Vma.VM_READ : 0;
        vmFlags |= (prot & PROT_WRITE) != 0 ? Vma.VM_WRITE | Vma.VM_READ : 0;
        vmFlags |= (prot & PROT_EXEC) != 0 ? Vma.VM_EXEC : 0;
        Overcommit acct = overcommit;
        long pglen = len >>> 12;
        // mmap_region: a private writable mapping is charged, less what it replaces that was charged;
        // MAP_NORESERVE sets VM_NORESERVE except under OVERCOMMIT_NEVER (accountable_mapping)
        boolean noreserve = (flags & MAP_NORESERVE) != 0 && acct.mode() != 2;
        boolean accountable = !shared && (vmFlags & Vma.VM_WRITE) != 0 && !noreserve;
        long replaced = fixed ? accountedPages(t.mm.intersecting(start, start + len), start, start + len) : 0;
        long charge = accountable ? pglen - replaced : 0;
        boolean admin = t.capable("CAP_SYS_ADMIN");
        if (charge > 0 && !acct.charge(t.mm, charge, admin)) {
            return err(Errno.ENOMEM); // the old mapping stays (abort_munmap)
        }
        boolean shmemZero = shared && anon;
        if (shmemZero && !acct.charge(t.mm, pglen, admin)) {
            return err(Errno.ENOMEM); // shmem_zero_setup -> shmem_acct_size
        }
        if (fixed) {
            if (accountable) {
                acct.add(replaced); // keep the reused charge across the unmap below
            }
            munmap(t, start, len);
        }
        if (accountable) {
            vmFlags |= Vma.VM_ACCOUNT;
        }
        if (noreserve) {
            vmFlags |= VM_NORESERVE;
        }
        Vma.Backing backing;
        ShmemFile f = file;
        if (shared) {
            vmFlags |= Vma.VM_SHARED | Vma.VM_MAYSHARE;
            backing = Vma.Backing.MEMFD_SHARED;
            if (anon) {
                // shmem_zero_setup: shared anonymous memory is an unlinked shmem file
                f = tasks.newMemfd("dev/zero (deleted)", pglen);
                f.accountedPages = pglen;
                pgoff = 0;
            }
        } else {
            backing = anon ? Vma.Backing.ANON_PRIVATE : Vma.Backing.MEMFD_PRIVATE;
            if (anon) {
                f = null;
            }
        }
        if (f != null) {
            f.users++;
        }
        Vma v = new Vma(t.mm.pt, start, start + len, vmFlags, backing, f, pgoff, label);
        t.mm.insert(v);
        return start;
    }

    /** Pages of VM_ACCOUNT VMAs inside [start, end). */
    private static long accountedPages(List<Vma> vmas, long start, long end) {
        long n = 0;
        for (Vma v : vmas) {
            if ((v.flags & Vma.VM_ACCOUNT) != 0) {
                n += (Math.min(end, v.end) - Math.max(start, v.start)) >>> 12;
            }
        }
        return n;
    }

    static boolean hintFits(Mm mm, long hint, long len) {
        long end = hint + ((len + Mm.PAGE_SIZE - 1) & -Mm.PAGE_SIZE);
        return hint >= MMAP_MIN_ADDR && Long.compareUnsigned(end, Mm.TASK_SIZE) <= 0
                && Long.compareUnsigned(end, hint) > 0 && mm.intersecting(hint, end).isEmpty();
    }

    /**
     * munmap(addr, len): splits VMAs at the edges, zaps and removes what is inside, frees the
     * page-table pages left empty and releases the charge of accounted VMAs (do_vmi_munmap).
     */
    public int munmap(Task t, long addr, long len) {
        if ((addr & (Mm.PAGE_SIZE - 1)) != 0 || Long.compareUnsigned(addr, Mm.TASK_SIZE) > 0
                || Long.compareUnsigned(len, Mm.TASK_SIZE - addr) > 0) {
            return err(Errno.EINVAL); // do_vmi_munmap: start > TASK_SIZE || len > TASK_SIZE - start
        }
        long end = addr + pageAlign(len);
        if (end == addr) {
            return err(Errno.EINVAL); // len 0
        }
        if (t.mm == null) {
            return 0;
        }
        List<Vma> victims = t.mm.splitRange(addr, end);
        notifyTeardown(t, victims);
        long unaccount = 0;
        for (Vma v : victims) {
            zap.range(v, v.start, v.end);
            t.mm.remove(v);
            releaseFile(v.file);
            if ((v.flags & Vma.VM_ACCOUNT) != 0) {
                unaccount += v.pages();
            }
        }
        zap.flush();
        t.mm.freePgtables(addr, end);
        overcommit.uncharge(unaccount);
        return 0;
    }

    /** MADV_COLLAPSE's implementation (the khugepaged subsystem, wired by the kernel). */
    public void attachCollapse(HugepageCollapse c) {
        this.collapse = c;
    }

    /**
     * madvise(addr, len, advice): MADV_DONTNEED, MADV_FREE, MADV_COLD, MADV_PAGEOUT,
     * MADV_MERGEABLE, MADV_UNMERGEABLE, MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_COLLAPSE. The LRU
     * advice (FREE, COLD, PAGEOUT) is {@link LruAdvice}'s: it walks the VMAs as the kernel does
     * (ENOMEM for a hole after advising the rest); the others need the whole range mapped first
     * (MADV_COLLAPSE: each VMA of the range in turn, the first error returned).
     */
    public int madvise(Task t, long addr, long len, int advice) {
        if ((addr & (Mm.PAGE_SIZE - 1)) != 0 || len < 0) {
            return err(Errno.EINVAL);
        }
        if (advice != MADV_DONTNEED && advice != MADV_HUGEPAGE && advice != MADV_NOHUGEPAGE
                && advice != MADV_MERGEABLE && advice != MADV_UNMERGEABLE && advice != MADV_COLLAPSE
                && !LruAdvice.handles(advice)) {
            return err(Errno.EINVAL);
        }
        if (len == 0) {
            return 0;
        }
        long end = addr + pageAlign(len);
        if (Long.compareUnsigned(end, addr) < 0) {
            return err(Errno.EINVAL); // do_madvise: end < start
        }
        if (LruAdvice.handles(advice)) {
            return lruAdvice.madvise(t.mm, addr, end, advice);
        }
        if (t.mm == null || !t.mm.fullyMapped(addr, end)) {
            return err(Errno.ENOMEM);
        }
        if (advice == MADV_DONTNEED) {
            for (Vma v : t.mm.intersecting(addr, end)) {
                zap.range(v, Math.max(addr, v.start), Math.min(end, v.end));
            }
            zap.flush();
            return 0;
        }
        if (advice == MADV_MERGEABLE || advice == MADV_UNMERGEABLE) {
            Ksm.madvise(t.mm, addr, end, advice == MADV_MERGEABLE);
            return 0;
        }
        if (advice == MADV_COLLAPSE) {
            for (Vma v : t.mm.intersecting(addr, end)) {
                int r = collapse.collapse(t, v, Math.max(addr, v.start), Math.min(end, v.end));
                if (r < 0) {
                    return r;
                }
            }
            return 0;
        }
        for (Vma v : t.mm.splitRange(addr, end)) {
            if (advice == MADV_HUGEPAGE) {
                v.flags = (v.flags | Vma.VM_HUGEPAGE) & ~Vma.VM_NOHUGEPAGE;
            } else {
                v.flags = (v.flags | Vma.VM_NOHUGEPAGE) & ~Vma.VM_HUGEPAGE;
            }
        }
        return 0;
    }

    /** mprotect(addr, len, prot), as 6.12's do_mprotect_pkey ({@link Mprotect}). */
    public int mprotect(Task t, long addr, long len, int prot) {
        return mprotect.apply(t, addr, len, prot);
    }

    /** memfd_create + ftruncate(size): a shmem file held open by the task. */
    public ShmemFile memfdCreate(Task t, String name, long size) {
        ShmemFile f = tasks.newMemfd("memfd:" + name, pageAlign(size) >>> 12);
        f.users++;
        t.fds.add(f);
        return f;
    }

    /**
     * Writes {@code content} to every page of [addr, addr+len) (what the device behind a private
     * node is told the data is, CONTRACT R4.16); returns 0 or the first fault's -errno.
     */
    public int touch(Task t, long addr, long len, boolean write, DeviceStore.Content content) {
        var d = faults.dispatcherForStores();
        if (d == null) {
            return touch(t, addr, len, write);
        }
        DeviceStore.Content prev = d.storeContent(content);
        d.storeBatch(true);
        try {
            return touch(t, addr, len, write);
        } finally {
            d.storeBatch(false);
            d.storeContent(prev);
        }
    }

    /** Reads or writes every page of [addr, addr+len); returns 0 or the first fault's -errno. */
    public int touch(Task t, long addr, long len, boolean write) {
        long end = addr + len;
        if (len < 0 || Long.compareUnsigned(end, addr) < 0) {
            return err(Errno.EINVAL); // a negative or wrapping length is a caller bug, not an empty range
        }
        long a = addr & -Mm.PAGE_SIZE;
        while (a < end) {
            Vma v = t.mm == null ? null : t.mm.find(a);
            if (v == null) {
                return faults.handle(t, null, a, write);
            }
            long stop = Math.min(end, v.end);
            for (; a < stop; a += Mm.PAGE_SIZE) {
                int r = faults.handleFor(t, v, a, write);
                if (r < 0) {
                    return r;
                }
            }
        }
        return 0;
    }

    /** The head pfn of the folio mapped at addr (the zero page included), or -1 if nothing is mapped. */
    public long folioAt(Task t, long addr) {
        Vma v = t.mm == null ? null : t.mm.find(addr);
        if (v == null) {
            return -1;
        }
        long pte = v.pte(addr & -Mm.PAGE_SIZE);
        if (!Pte.present(pte)) {
            return -1;
        }
        return (pte & Pte.ZERO) != 0 ? Pte.pfn(pte) : rmap.folioHead(pte);
    }

    /**
     * fork: the child inherits the task policy, cpuset and credentials and a copy of every VMA
     * with its policy. Private present entries become shared copy-on-write (both sides lose
     * write access); shared file mappings are not copied and refault from the page cache.
     * Returns null (the syscall's ENOMEM) when vm.overcommit_memory refuses to charge the child's
     * accounted VMAs, or when a page for one of the child's page tables cannot be allocated (the
     * half-built child is torn down).
     */
    public Task fork(Task parent, String childName, int pid) {
        if (parent.mm == null) {
            throw new IllegalArgumentException(parent + " has exited; it cannot fork");
        }
        // dup_mmap: each accounted VMA is charged again for the child; a refusal fails the fork
        long charged = 0;
        for (Vma pv : parent.mm.vmas.values()) {
            if ((pv.flags & Vma.VM_ACCOUNT) != 0) {
                if (!overcommit.charge(parent.mm, pv.pages(), parent.capable("CAP_SYS_ADMIN"))) {
                    overcommit.uncharge(charged);
                    return null;
                }
                charged += pv.pages();
            }
        }
        Task child = tasks.spawn(childName, pid, parent.cpu, parent.uid, parent.caps);
        child.policy = parent.policy;
        child.setMemsAllowed(parent.memsAllowed);
        Memmap mm = k.memmap();
        long copiedCharge = 0;
        for (Vma pv : parent.mm.vmas.values()) {
            Vma cv = new Vma(child.mm.pt, pv.start, pv.end, pv.flags, pv.backing, pv.file, pv.pgoff, pv.label);
            cv.deviceNid = pv.deviceNid;
            cv.policy = pv.policy;
            if (pv.file != null) {
                pv.file.users++;
            }
            child.mm.insert(cv);
            copiedCharge += (pv.flags & Vma.VM_ACCOUNT) != 0 ? pv.pages() : 0;
            if (!pv.isShared()) {
                for (long a = pv.nextMapped(pv.start, pv.end); a < pv.end; a = pv.nextMapped(a + Mm.PAGE_SIZE, pv.end)) {
                    long pte = pv.pte(a);
                    if (Pte.isSwap(pte)) {
                        // copy_nonpresent_pte: the child holds the swap entry too (swap_duplicate),
                        // in a table copy_pte_range allocated first (no page: dup_mmap fails)
                        if (child.mm.pt.ensure(a >>> 12) < 0) {
                            exit(child);
                            overcommit.uncharge(charged - copiedCharge);
                            tasks.forget(child);
                            return null;
                        }
                        k.swap().dup(Pte.swapSlot(pte));
                        cv.setPte(a, pte);
                        continue;
                    }
                    if (!Pte.present(pte)) {
                        continue;
                    }
                    if (Pte.isPmd(pte)) {
                        // copy_huge_pmd: the child takes a table to deposit, both PMDs lose write, the folio is shared
                        long pmd = pv.pmd(a);
                        long wp = pmd & ~Pte.WRITE;
                        if (child.mm.pt.ensureUpper(a >>> 12) < 0 || child.mm.pt.mapHuge(a >>> 12, wp) < 0) {
                            exit(child);
                            overcommit.uncharge(charged - copiedCharge);
                            tasks.forget(child);
                            return null;
                        }
                        pv.setPmd(a, wp);
                        long head = Pte.pfn(pmd);
                        mm.addMapcount(head, 1);
                        mm.addEntireMapcount(head, 1);
                        mm.addRefs(head, 1);
                        a += Mm.PMD_SIZE - Mm.PAGE_SIZE;
                        continue;
                    }
                    if (child.mm.pt.ensure(a >>> 12) < 0) {
                        // copy_pte_range: no page for the child's table; dup_mmap fails, the child goes
                        exit(child);
                        overcommit.uncharge(charged - copiedCharge);
                        tasks.forget(child);
                        return null;
                    }
                    long wp = pte & ~Pte.WRITE;
                    pv.setPte(a, wp);
                    cv.setPte(a, wp);
                    if ((pte & Pte.ZERO) == 0) {
                        long head = rmap.folioHead(pte);
                        mm.addMapcount(head, 1);
                        mm.addRefs(head, 1);
                    }
                }
            }
        }
        return child;
    }

    /** do_exit → exit_mmap: every VMA zapped in mmu_gather batches, every page table freed, then the memfds closed. */
    public void exit(Task t) {
        if (t.mm == null) {
            return;
        }
        notifyTeardown(t, List.copyOf(t.mm.vmas.values()));
        for (Vma v : List.copyOf(t.mm.vmas.values())) {
            zap.range(v, v.start, v.end);
        }
        zap.flush();
        long unaccount = 0;
        for (Vma v : List.copyOf(t.mm.vmas.values())) {
            t.mm.remove(v);
            releaseFile(v.file);
            if ((v.flags & Vma.VM_ACCOUNT) != 0) {
                unaccount += v.pages();
            }
        }
        t.mm.freeAllTables();
        overcommit.uncharge(unaccount); // exit_mmap: vm_unacct_memory(nr_accounted)
        for (ShmemFile f : t.fds) {
            releaseFile(f);
        }
        t.fds.clear();
        t.mm = null;
        t.policy = null;
    }

    /** VMA teardown notification to the drivers of private nodes the VMAs map (Site.TEARDOWN). */
    private void notifyTeardown(Task t, List<Vma> vmas) {
        var d = k.dispatcher();
        if (d == null || !d.hasPrivateNodes()) {
            return;
        }
        var prev = d.enter(new TaskRef(t.pid, t.name, t.uid));
        try {
            for (Vma v : vmas) {
                Map<Integer, Long> pages = new TreeMap<>();
                for (long a = v.nextMapped(v.start, v.end); a < v.end; a = v.nextMapped(a + Mm.PAGE_SIZE, v.end)) {
                    long pte = v.pte(a);
                    if (Pte.present(pte) && (pte & Pte.ZERO) == 0) {
                        int nid = k.memmap().nid(rmap.folioHead(pte));
                        if (d.isPrivate(nid)) {
                            pages.merge(nid, 1L, Long::sum);
                        }
                    }
                }
                pages.forEach((nid, n) -> d.teardown(nid, v.start, v.end, n));
            }
        } finally {
            d.enter(prev);
        }
    }

    /** Drops a user of a memfd; the last one truncates it, freeing its page cache. */
    void releaseFile(ShmemFile f) {
        if (f == null || --f.users > 0) {
            return;
        }
        for (long i = f.nextCached(0); i >= 0; i = f.nextCached(i + 1)) {
            k.folioRelease().folioPut(f.cachedPfn(i), FreePath.FOLIOS_PUT);
            f.uncache(i);
        }
        overcommit.uncharge(f.accountedPages); // shmem_evict_inode -> shmem_unacct_size
        f.accountedPages = 0;
    }

    /** vma_expand for brk and mremap ({@link Mremap#expand}). */
    public int expand(Task t, long vmaStart, long newEnd) {
        return mremap.expand(t, vmaStart, newEnd);
    }

    /** move_vma for mremap ({@link Mremap#moveVma}). */
    public long moveVma(Task t, long addr, long oldLen, long newAddr, long newLen, boolean dontUnmap) {
        return mremap.moveVma(t, addr, oldLen, newAddr, newLen, dontUnmap);
    }

    /** get_unmapped_area for an anonymous mapping ({@link Mremap#unmappedArea}). */
    public long unmappedArea(Task t, long hint, long len) {
        return mremap.unmappedArea(t, hint, len);
    }
}
