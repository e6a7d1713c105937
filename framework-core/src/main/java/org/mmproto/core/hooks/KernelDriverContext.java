package org.mmproto.core.hooks;

import org.mmproto.api.driver.DriverContext;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PhysicalMemory;

/** The engine services drivers get: read-only node figures and the release of kept folios. */
public final class KernelDriverContext implements DriverContext {
    private PhysicalMemory mem;
    private PageAllocator alloc;

    /** Connects the context to the booted engine (drivers are bound before boot completes). */
    public void attach(PhysicalMemory m, PageAllocator a) {
        this.mem = m;
        this.alloc = a;
    }

    private PhysicalMemory mem() {
        if (mem == null) {
            throw new IllegalStateException("the engine is not booted yet");
        }
        return mem;
    }

    @Override
    public long managedPages(int nid) {
        return mem().node(nid).managedPages();
    }

    @Override
    public long freePages(int nid) {
        return mem().node(nid).freePages();
    }

    @Override
    public long usedPages(int nid) {
        var n = mem().node(nid);
        long pcp = 0;
        for (var z : n.zones()) {
            pcp += z.pcpPages();
        }
        return n.managedPages() - n.freePages() - pcp;
    }

    @Override
    public void releaseKept(long pfn) {
        mem();
        alloc.releaseKept(pfn);
    }

    @Override
    public long keptFolios(int nid) {
        mem();
        return alloc.keptFolios(nid);
    }
}
