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
        int nid = dispatcher.memmap().nid(head);
        if (!dispatcher.isPrivate(nid) || !access[nid].observesStores()) {
            return;
        }
        DeviceStore.Content content = switch (kind) {
            case ZEROED -> DeviceStore.Content.ZERO;
            case CPU_WRITE -> storeContent;
            case MIGRATION_COPY, SWAP_IN -> DeviceStore.Content.UNSPECIFIED;
        };
        if (kind == DeviceStore.Kind.CPU_WRITE && batch > 0) {
            pend(false, head, pfn, pages, content, task);
            return;
        }
        flush();
        access[nid].deviceStore(new DeviceStore(dispatcher.folioRef(head), pfn, pages, kind, content, task));
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
}
