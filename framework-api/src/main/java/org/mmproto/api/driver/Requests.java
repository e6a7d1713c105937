package org.mmproto.api.driver;

import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;

/** The immutable requests and events handed to drivers. */
public final class Requests {
    private Requests() {
    }

    /**
     * Pages of the node are about to be handed out (the buddy-level veto). {@code privateFaultPath}
     * is true inside the private fault path: a user fault under a memory policy that names a
     * private node (what a MEMALLOC_PRIVATE scope would cover).
     */
    public record AllocRequest(int nid, int order, Gfp gfp, Site site, int preferredNid, TaskRef task,
                               boolean privateFaultPath) {
        /** Whether the request is for movable memory (GFP migratetype MOVABLE). */
        public boolean movable() {
            return gfp.has(Gfp.__GFP_MOVABLE) && !gfp.has(Gfp.__GFP_RECLAIMABLE);
        }
    }

    /** A folio of the node reached refcount zero by {@code path}. */
    public record FreeEvent(FolioRef folio, FreePath path) {
    }

    /** A FOLL_LONGTERM pin targets a folio of the node. */
    public record PinRequest(FolioRef folio, TaskRef task) {
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

    /** Hardware reported a poisoned page on the node. */
    public record MemoryFailureEvent(FolioRef folio, long pfn) {
    }
}
