package org.mmproto.core.task;

import java.util.List;
import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.core.mm.Memmap;

/**
 * The address-space system calls and events: mmap, munmap, madvise, memfd_create, touching
 * memory, fork and exit. Results are 0/positive values or a negated errno, as the syscalls return.
 */
public final class MmOps {
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int PROT_EXEC = 0x4;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MADV_DONTNEED = 4;
    public static final int MADV_HUGEPAGE = 14;
    public static final int MADV_NOHUGEPAGE = 15;

    private final Kernel k;

    MmOps(Kernel k) {
        this.k = k;
    }

    private static long pageAlign(long len) {
        return (len + Mm.PAGE_SIZE - 1) & -Mm.PAGE_SIZE;
    }

    private static int err(Errno e) {
        return -e.code();
    }

    /**
     * mmap(addr, len, prot, flags, fd, offset). {@code file} is the memfd for a file mapping (null
     * with MAP_ANONYMOUS). Returns the address or -errno.
     */
    public long mmap(Task t, long addr, long len, int prot, int flags, ShmemFile file, long offset, String label) {
        int type = flags & (MAP_SHARED | MAP_PRIVATE);
        if (t.mm == null) {
            return err(Errno.EINVAL);
        }
        if (len <= 0 || (offset & (Mm.PAGE_SIZE - 1)) != 0 || type == 0 || type == (MAP_SHARED | MAP_PRIVATE)) {
            return err(Errno.EINVAL);
        }
        boolean anon = (flags & MAP_ANONYMOUS) != 0;
        if (!anon && file == null) {
            return err(Errno.EBADF);
        }
        len = pageAlign(len);
        if (len > Mm.TASK_SIZE) {
            return err(Errno.ENOMEM);
        }
        long start;
        if ((flags & MAP_FIXED) != 0) {
            if ((addr & (Mm.PAGE_SIZE - 1)) != 0 || addr + len > Mm.TASK_SIZE || addr <= 0) {
                return err(Errno.EINVAL);
            }
            munmap(t, addr, len);
            start = addr;
        } else {
            start = t.mm.unmappedArea(len, len >= Mm.PMD_SIZE ? Mm.PMD_SIZE : Mm.PAGE_SIZE);
            if (start < 0) {
                return err(Errno.ENOMEM);
            }
        }
        int vmFlags = Vma.VM_MAYREAD | Vma.VM_MAYWRITE;
        vmFlags |= (prot & PROT_READ) != 0 ? Vma.VM_READ : 0;
        vmFlags |= (prot & PROT_WRITE) != 0 ? Vma.VM_WRITE | Vma.VM_READ : 0;
        vmFlags |= (prot & PROT_EXEC) != 0 ? Vma.VM_EXEC : 0;
        Vma.Backing backing;
        ShmemFile f = file;
        if (type == MAP_SHARED) {
            vmFlags |= Vma.VM_SHARED | Vma.VM_MAYSHARE;
            backing = Vma.Backing.MEMFD_SHARED;
            if (anon) {
                // shmem_zero_setup: shared anonymous memory is an unlinked shmem file
                f = k.newMemfd("dev/zero (deleted)", len >>> 12);
                offset = 0;
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
        Vma v = new Vma(start, start + len, vmFlags, backing, f, offset >>> 12, label);
        t.mm.insert(v);
        return start;
    }

    /** munmap(addr, len): splits VMAs at the edges, zaps and removes what is inside. */
    public int munmap(Task t, long addr, long len) {
        if ((addr & (Mm.PAGE_SIZE - 1)) != 0 || len <= 0 || addr + len > Mm.TASK_SIZE || addr < 0) {
            return err(Errno.EINVAL);
        }
        if (t.mm == null) {
            return 0;
        }
        long end = addr + pageAlign(len);
        List<Vma> victims = t.mm.splitRange(addr, end);
        notifyTeardown(t, victims);
        for (Vma v : victims) {
            k.zap().range(v, v.start, v.end);
            t.mm.remove(v);
            releaseFile(v.file);
        }
        k.zap().flush();
        return 0;
    }

    /** madvise(addr, len, advice): MADV_DONTNEED, MADV_HUGEPAGE, MADV_NOHUGEPAGE. */
    public int madvise(Task t, long addr, long len, int advice) {
        if ((addr & (Mm.PAGE_SIZE - 1)) != 0 || len < 0) {
            return err(Errno.EINVAL);
        }
        if (advice != MADV_DONTNEED && advice != MADV_HUGEPAGE && advice != MADV_NOHUGEPAGE) {
            return err(Errno.EINVAL);
        }
        if (len == 0) {
            return 0;
        }
        long end = addr + pageAlign(len);
        if (t.mm == null || !t.mm.fullyMapped(addr, end)) {
            return err(Errno.ENOMEM);
        }
        if (advice == MADV_DONTNEED) {
            for (Vma v : t.mm.intersecting(addr, end)) {
                k.zap().range(v, Math.max(addr, v.start), Math.min(end, v.end));
            }
            k.zap().flush();
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

    /** memfd_create + ftruncate(size): a shmem file held open by the task. */
    public ShmemFile memfdCreate(Task t, String name, long size) {
        ShmemFile f = k.newMemfd("memfd:" + name, pageAlign(size) >>> 12);
        f.users++;
        t.fds.add(f);
        return f;
    }

    /** Reads or writes every page of [addr, addr+len); returns 0 or the first fault's -errno. */
    public int touch(Task t, long addr, long len, boolean write) {
        long end = addr + len;
        long a = addr & -Mm.PAGE_SIZE;
        FaultHandler faults = k.faults();
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
        return (pte & Pte.ZERO) != 0 ? Pte.pfn(pte) : FaultHandler.folioHead(k, pte);
    }

    /**
     * fork: the child inherits the task policy, cpuset and credentials and a copy of every VMA
     * with its policy. Private present entries become shared copy-on-write (both sides lose
     * write access); shared file mappings are not copied and refault from the page cache.
     */
    public Task fork(Task parent, String childName, int pid) {
        if (parent.mm == null) {
            throw new IllegalArgumentException(parent + " has exited; it cannot fork");
        }
        Task child = k.spawn(childName, pid, parent.cpu, parent.uid, parent.caps);
        child.policy = parent.policy;
        child.setMemsAllowed(parent.memsAllowed);
        Memmap mm = k.memmap();
        for (Vma pv : parent.mm.vmas.values()) {
            Vma cv = new Vma(pv.start, pv.end, pv.flags, pv.backing, pv.file, pv.pgoff, pv.label);
            cv.policy = pv.policy;
            if (pv.file != null) {
                pv.file.users++;
            }
            if (!pv.isShared()) {
                for (int i = 0; i < pv.ptes.length; i++) {
                    long pte = pv.ptes[i];
                    if (!Pte.present(pte)) {
                        continue;
                    }
                    long wp = pte & ~Pte.WRITE;
                    pv.ptes[i] = wp;
                    cv.ptes[i] = wp;
                    if ((pte & Pte.ZERO) == 0) {
                        long head = FaultHandler.folioHead(k, pte);
                        mm.addMapcount(head, 1);
                        mm.get(head, 1);
                    }
                }
            }
            child.mm.insert(cv);
        }
        return child;
    }

    /** do_exit → exit_mmap: every VMA zapped in mmu_gather batches, then the memfds closed. */
    public void exit(Task t) {
        if (t.mm == null) {
            return;
        }
        notifyTeardown(t, List.copyOf(t.mm.vmas.values()));
        for (Vma v : List.copyOf(t.mm.vmas.values())) {
            k.zap().range(v, v.start, v.end);
        }
        k.zap().flush();
        for (Vma v : List.copyOf(t.mm.vmas.values())) {
            t.mm.remove(v);
            releaseFile(v.file);
        }
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
        var prev = d.enter(new org.mmproto.api.driver.TaskRef(t.pid, t.name, t.uid));
        try {
            for (Vma v : vmas) {
                java.util.Map<Integer, Long> pages = new java.util.TreeMap<>();
                for (long pte : v.ptes) {
                    if (Pte.present(pte) && (pte & Pte.ZERO) == 0) {
                        int nid = k.memmap().nid(FaultHandler.folioHead(k, pte));
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
    private void releaseFile(ShmemFile f) {
        if (f == null || --f.users > 0) {
            return;
        }
        for (int i = 0; i < f.cache.length; i++) {
            if (f.cache[i] >= 0) {
                k.alloc().folioPut(f.cache[i], FreePath.FOLIOS_PUT);
                f.cache[i] = -1;
            }
        }
    }
}
