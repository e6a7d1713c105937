package org.mmproto.core.hooks;

import org.mmproto.api.driver.DeviceLoad;
import org.mmproto.api.driver.DeviceStore;
import org.mmproto.api.driver.TaskRef;

/**
 * Site.DEVICE_MEMORY: what the device behind a private node sees of its memory, whatever the
 * design — every store (R4.16) and every CPU load (R4.17). No design is asked and nothing is
 * recorded but the hook calls. Inside a batch (a touch step) consecutive user accesses of one
 * kind to one folio by one task are delivered as one; anything else the driver is told first
 * delivers the pending access, so the driver sees events in order.
 *
 * <p>It also keeps each page's content kind ({@link PageContents}), on every node: a write with
 * content (a touch step's {@code content:}) or a plain one (UNSPECIFIED), a zeroing (every
 * {@code __GFP_ZERO} folio, on any node, reads as ZERO), and a migration copy, a khugepaged
 * collapse (page by page) or a swap-out and swap-in carrying the source's kind. So a folio demoted onto
 * the node, or swapped back into it, reaches the device as what it is, not as UNSPECIFIED data
 * the device's own content model would draw anew.
 */
final class DeviceMemory {
    private final Dispatcher dispatcher;
    private final DriverAccessImpl[] access;
    /** Whether some bound driver listens to loads: a read on a machine where none does costs one test. */
    private boolean anyLoads;

    private DeviceStore.Content storeContent = DeviceStore.Content.UNSPECIFIED;
    private int batch;
    private long pendingHead = -1;
    private long pendingFirst;
    private long pendingPages;
    private boolean pendingLoad;
    private DeviceStore.Content pendingContent;
    private TaskRef pendingTask;
    private final PageContents contents = new PageContents();

    DeviceMemory(Dispatcher dispatcher, DriverAccessImpl[] access) {
        this.dispatcher = dispatcher;
        this.access = access;
    }

    /** The node drivers changed (bind, registration again). */
    void rebound() {
        boolean any = false;
        for (DriverAccessImpl a : access) {
            any |= a.observesLoads();
        }
        anyLoads = any;
    }

    boolean observesLoads() {
        return anyLoads;
    }

    DeviceStore.Content storeContent(DeviceStore.Content c) {
        DeviceStore.Content prev = storeContent;
        storeContent = c;
        return prev;
    }

    void batch(boolean open) {
        batch += open ? 1 : -1;
        if (batch == 0) {
            flush();
        }
    }

    /** Delivers the pending access, if any. */
    void flush() {
        if (pendingPages == 0) {
            return;
        }
        long head = pendingHead;
        long pages = pendingPages;
        pendingPages = 0;
        pendingHead = -1;
        DriverAccessImpl a = access[dispatcher.memmap().nid(head)];
        if (pendingLoad) {
            a.deviceLoad(new DeviceLoad(dispatcher.folioRef(head), pendingFirst, pages, pendingTask));
        } else {
            a.deviceStore(new DeviceStore(dispatcher.folioRef(head), pendingFirst, pages,
                    DeviceStore.Kind.CPU_WRITE, pendingContent, pendingTask));
        }
    }

    void store(long head, long pfn, long pages, DeviceStore.Kind kind, TaskRef task) {
        DeviceStore.Content content = switch (kind) {
            case ZEROED -> DeviceStore.Content.ZERO;
            case CPU_WRITE -> storeContent;
            // a copy whose source is not known page by page: the device decides
            case MIGRATION_COPY, SWAP_IN -> DeviceStore.Content.UNSPECIFIED;
        };
        contents.set(pfn, pages, content);
        int nid = dispatcher.memmap().nid(head);
        if (!dispatcher.isPrivate(nid) || !access[nid].observesStores()) {
            return;
        }
        if (kind == DeviceStore.Kind.CPU_WRITE && batch > 0) {
            pend(false, head, pfn, pages, content, task);
            return;
        }
        flush();
        access[nid].deviceStore(new DeviceStore(dispatcher.folioRef(head), pfn, pages, kind, content, task));
    }

    /**
     * migrate_pages() copied the folio at {@code src} to {@code dst} ({@code pages} pages): the
     * copy carries each page's content kind, and a private node's driver is told the store in
     * runs of one kind (R4.16). The source's pages are freed next: their kinds are forgotten.
     */
    void copy(long src, long dst, long pages, TaskRef task) {
        contents.copy(src, dst, pages);
        contents.set(src, pages, DeviceStore.Content.UNSPECIFIED);
        int nid = dispatcher.memmap().nid(dst);
        if (!dispatcher.isPrivate(nid) || !access[nid].observesStores()) {
            return;
        }
        flush();
        for (long i = 0; i < pages; ) {
            DeviceStore.Content c = contents.get(dst + i);
            long run = 1;
            while (i + run < pages && contents.get(dst + i + run) == c) {
                run++;
            }
            access[nid].deviceStore(new DeviceStore(dispatcher.folioRef(dst), dst + i, run,
                    DeviceStore.Kind.MIGRATION_COPY, c, task));
            i += run;
        }
    }

    /**
     * A zeroed folio on a node without a device: its pages read as ZERO from now on. No driver is
     * told (none is there); only the kinds change, so a later demotion carries them.
     */
    void zeroed(long pfn, long pages) {
        contents.set(pfn, pages, DeviceStore.Content.ZERO);
    }

    /**
     * khugepaged collapsed a PMD range into the folio at {@code head}: page {@code i} is a copy of
     * the page at {@code src[i]}, or cleared where {@code src[i] < 0} (a pte_none or zero-page PTE,
     * as __collapse_huge_page_copy does). The kinds travel page by page, and a private node's
     * driver is told the store in runs of one kind (R4.16).
     */
    void collapse(long head, long[] src, TaskRef task) {
        for (int i = 0; i < src.length; i++) {
            contents.set(head + i, 1, src[i] < 0 ? DeviceStore.Content.ZERO : contents.get(src[i]));
        }
        int nid = dispatcher.memmap().nid(head);
        if (!dispatcher.isPrivate(nid) || !access[nid].observesStores()) {
            return;
        }
        flush();
        for (int i = 0; i < src.length; ) {
            DeviceStore.Content c = contents.get(head + i);
            int run = 1;
            while (i + run < src.length && contents.get(head + i + run) == c) {
                run++;
            }
            access[nid].deviceStore(new DeviceStore(dispatcher.folioRef(head), head + i, run,
                    DeviceStore.Kind.MIGRATION_COPY, c, task));
            i += run;
        }
    }

    /** The content kind the engine knows for the page at {@code pfn} (a swap-out keeps it with its slot). */
    DeviceStore.Content content(long pfn) {
        return contents.get(pfn);
    }

    /** A page swapped out as {@code content} was read back into {@code pfn}: as a store of that kind (R4.16). */
    void swapIn(long pfn, DeviceStore.Content content, TaskRef task) {
        contents.set(pfn, 1, content);
        int nid = dispatcher.memmap().nid(pfn);
        if (!dispatcher.isPrivate(nid) || !access[nid].observesStores()) {
            return;
        }
        flush();
        access[nid].deviceStore(new DeviceStore(dispatcher.folioRef(pfn), pfn, 1, DeviceStore.Kind.SWAP_IN, content,
                task));
    }

    void load(long head, long pfn, long pages, TaskRef task) {
        int nid = dispatcher.memmap().nid(head);
        if (!dispatcher.isPrivate(nid) || !access[nid].observesLoads()) {
            return;
        }
        if (batch > 0) {
            pend(true, head, pfn, pages, null, task);
            return;
        }
        flush();
        access[nid].deviceLoad(new DeviceLoad(dispatcher.folioRef(head), pfn, pages, task));
    }

    private void pend(boolean load, long head, long pfn, long pages, DeviceStore.Content content, TaskRef task) {
        if (pendingPages > 0 && load == pendingLoad && head == pendingHead && pfn == pendingFirst + pendingPages
                && content == pendingContent && task.equals(pendingTask)) {
            pendingPages += pages;
            return;
        }
        flush();
        pendingLoad = load;
        pendingHead = head;
        pendingFirst = pfn;
        pendingPages = pages;
        pendingContent = content;
        pendingTask = task;
    }

    boolean pending() {
        return pendingPages > 0;
    }

    /**
     * A content kind per pfn, one byte each (0 = UNSPECIFIED), in sections of 2^15 pages (128 MiB
     * of memory, 32 KiB of table) allocated when a page of the section is first given a known
     * kind: the 48 GiB default machine (12 M pages) costs nothing until a scenario writes content,
     * at most 12 MiB if every page did.
     */
    static final class PageContents {
        static final int SECTION_SHIFT = 15;
        private static final DeviceStore.Content[] KINDS = {DeviceStore.Content.UNSPECIFIED, DeviceStore.Content.ZERO,
                DeviceStore.Content.TEXT, DeviceStore.Content.INCOMPRESSIBLE};
        private byte[][] sections = new byte[0][];

        static byte code(DeviceStore.Content c) {
            return switch (c) {
                case UNSPECIFIED -> 0;
                case ZERO -> 1;
                case TEXT -> 2;
                case INCOMPRESSIBLE -> 3;
            };
        }

        DeviceStore.Content get(long pfn) {
            int s = (int) (pfn >>> SECTION_SHIFT);
            byte[] sec = s < sections.length ? sections[s] : null;
            return sec == null ? DeviceStore.Content.UNSPECIFIED : KINDS[sec[(int) (pfn & ((1 << SECTION_SHIFT) - 1))]];
        }

        void set(long pfn, long pages, DeviceStore.Content c) {
            byte b = code(c);
            for (long p = pfn; p < pfn + pages; ) {
                int s = (int) (p >>> SECTION_SHIFT);
                int off = (int) (p & ((1 << SECTION_SHIFT) - 1));
                int n = (int) Math.min(pfn + pages - p, (1 << SECTION_SHIFT) - off);
                byte[] sec = section(s, b != 0);
                if (sec != null) {
                    java.util.Arrays.fill(sec, off, off + n, b);
                }
                p += n;
            }
        }

        void copy(long src, long dst, long pages) {
            for (long i = 0; i < pages; i++) {
                DeviceStore.Content c = get(src + i);
                if (c != DeviceStore.Content.UNSPECIFIED || get(dst + i) != DeviceStore.Content.UNSPECIFIED) {
                    set(dst + i, 1, c);
                }
            }
        }

        /** Allocated sections (for the memory test). */
        int sectionsAllocated() {
            int n = 0;
            for (byte[] sec : sections) {
                n += sec == null ? 0 : 1;
            }
            return n;
        }

        private byte[] section(int s, boolean create) {
            if (s >= sections.length) {
                if (!create) {
                    return null;
                }
                sections = java.util.Arrays.copyOf(sections, Math.max(s + 1, sections.length * 2));
            }
            if (sections[s] == null && create) {
                sections[s] = new byte[1 << SECTION_SHIFT];
            }
            return sections[s];
        }
    }
}
