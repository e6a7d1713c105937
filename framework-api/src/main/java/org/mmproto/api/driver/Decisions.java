package org.mmproto.api.driver;

import org.mmproto.api.Errno;

/** Answers of the callbacks that are more than allow/deny. */
public final class Decisions {
    private Decisions() {
    }

    /** free_folio: return the folio to the buddy allocator, or keep it (the service took it). */
    public enum FreeAction { RETURN_TO_BUDDY, KEEP }

    /**
     * A design's answer to a FOLL_LONGTERM pin of a folio on a private node: pin it where it is,
     * migrate it off the node first (mainline behaviour for an unpinnable folio), or refuse
     * (the pin fails with -ENOMEM and the folio stays).
     */
    public enum PinAction { PIN_IN_PLACE, MIGRATE_THEN_PIN, REFUSE }

    /**
     * A write fault on a write-protected private-node folio: promote it first and retry the
     * access (v4 handle_fault), ask again, fail the fault, or copy it (v5's write fence: the
     * copy-on-write path with the reuse check refusing the folio: zonelist-private's answer for
     * a node with NODE_PRIVATE_CAP_WRITE_FENCE; a v4 driver may give it too).
     */
    public enum FaultAction { PROMOTE, RETRY, FAIL, COPY }

    /** migrate_to: accept (the engine migrates), or refuse with back-pressure (e.g. ENOSPC). */
    public record MigrateTo(boolean accept, Errno refusal) {
        public static final MigrateTo ACCEPT = new MigrateTo(true, null);

        public static MigrateTo refuse(Errno errno) {
            return new MigrateTo(false, errno);
        }
    }

    /** reclaim_policy: what reclaim may do on the node. */
    public record ReclaimPolicy(boolean active, boolean maySwap, boolean mayWritepage, boolean managedWatermarks) {
        /** What a driver answers by default: nothing beyond what the design allows. */
        public static final ReclaimPolicy DEFAULT = new ReclaimPolicy(false, false, false, false);
        /** Mainline reclaim of an ordinary node: active, may swap and write pages back. */
        public static final ReclaimPolicy MAINLINE = new ReclaimPolicy(true, true, true, false);
        /** No reclaim on the node. */
        public static final ReclaimPolicy NONE = DEFAULT;
    }
}
