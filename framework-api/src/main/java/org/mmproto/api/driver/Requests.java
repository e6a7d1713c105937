package org.mmproto.api.driver;

import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;

/** The immutable requests and events handed to drivers. */
public final class Requests {
    private Requests() {
    }

    /**
     * An allocation that would take pages of the node: {@code nid} the node, {@code preferredNid}
     * the node the caller named, {@code task} the task it is made for ({@link TaskRef#KERNEL} for
     * kernel allocations), {@code folio} whether it comes through the folio entry point (user
     * memory, migration targets) rather than a non-folio kernel allocation (slab, page tables),
     * {@code reason} the migration reason when it is a migration target, else null.
     */
    public record AllocRequest(int nid, int order, Gfp gfp, int preferredNid, TaskRef task, boolean folio,
                               MigrateReason reason, Backing backing) {
        /** A request whose backing is not known ({@link Backing#UNKNOWN}): the form before backings were told. */
        public AllocRequest(int nid, int order, Gfp gfp, int preferredNid, TaskRef task, boolean folio,
                            MigrateReason reason) {
            this(nid, order, gfp, preferredNid, task, folio, reason, Backing.UNKNOWN);
        }

        public AllocRequest {
            backing = backing == null ? Backing.UNKNOWN : backing;
        }

        /** Whether the request is for movable memory (GFP migratetype MOVABLE). */
        public boolean movable() {
            return gfp.has(Gfp.__GFP_MOVABLE) && !gfp.has(Gfp.__GFP_RECLAIMABLE);
        }
    }

    /**
     * What a user fault's folio allocation is for (the fault path knows, the allocator does not):
     * an anonymous folio (a private mapping's fault, copy-on-write or swap-in), or a shmem / memfd
     * page-cache folio faulted through a MAP_SHARED or a MAP_PRIVATE mapping. {@code UNKNOWN} for
     * everything else: kernel allocations, migration targets (migrate_to judges those), khugepaged.
     */
    public enum Backing {
        UNKNOWN, ANON, SHMEM_SHARED, SHMEM_PRIVATE
    }

    /** A folio of the node reached refcount zero by {@code path}. */
    public record FreeEvent(FolioRef folio, FreePath path) {
    }

    /** A FOLL_LONGTERM pin targets a folio of the node. */
    public record PinRequest(FolioRef folio, TaskRef task) {
    }

    /** khugepaged (or MADV_COLLAPSE, {@code madvise} true) would collapse the folios at {@code address} into one THP. */
    public record CollapseRequest(FolioRef folio, long address, TaskRef task, boolean madvise) {
    }

    /** Compaction would run in the node's zones ({@code manual}: /proc/sys/vm/compact_memory or a compact step). */
    public record CompactionRequest(int nid, int order, boolean manual) {
    }

    /** A folio would migrate off ({@code from} = the node) or onto ({@code to} = the node) the node. */
    public record MigrationRequest(FolioRef folio, int from, int to, MigrateReason reason, TaskRef task) {
    }

    /** A write fault on a write-protected page of the node. */
    public record FaultRequest(FolioRef folio, long address, TaskRef task) {
    }

    /** A task's mapping of the node is torn down (munmap, exit). */
    public record TeardownEvent(TaskRef task, long start, long end, long pagesOnNode) {
    }

    /**
     * mmap of the node's device file by {@code task}: {@code length} bytes (page-rounded),
     * {@code prot} PROT_* and {@code flags} MAP_* as the caller passed them, {@code offset} into
     * the device.
     */
    public record DeviceMmapRequest(int nid, long length, int prot, int flags, long offset, TaskRef task) {
        /** MAP_SHARED (0x01) or MAP_SHARED_VALIDATE (0x03). */
        public boolean shared() {
            return (flags & 0x03) != 0 && (flags & 0x03) != 0x02;
        }
    }

    /** A write of {@code value} to the device's control attribute {@code attr} (sysfs store). */
    public record ControlRequest(int nid, String attr, String value, TaskRef task) {
    }

    /** Hardware reported a poisoned page on the node. */
    public record MemoryFailureEvent(FolioRef folio, long pfn) {
    }
}
