package org.mmproto.api.driver;

import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;

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

    /**
     * device_mmap: the VMA the device's mmap gives, or a refusal (the mmap call's errno). An
     * accepted mapping is an ordinary anonymous private VMA whose policy, for the device's whole
     * lifetime, is MPOL_BIND over {@code nodes}, with the internal {@code MPOL_F_PRIVATE} when
     * {@code mpolPrivate} ("policy targets a private node"): faults then land on the node with
     * no mbind. A design that has no MPOL_F_PRIVATE clears it (CONTRACT R7.2).
     */
    public record DeviceMapping(boolean accept, Errno refusal, NodeMask nodes, boolean mpolPrivate) {
        /** What a driver without an mmap answers: no f_op->mmap, ENODEV. */
        public static final DeviceMapping NO_MMAP = new DeviceMapping(false, Errno.ENODEV, NodeMask.NONE, false);

        public static DeviceMapping refuse(Errno errno) {
            return new DeviceMapping(false, errno, NodeMask.NONE, false);
        }

        /** MPOL_BIND over {@code nodes}, MPOL_F_PRIVATE set. */
        public static DeviceMapping bindPrivate(NodeMask nodes) {
            return new DeviceMapping(true, null, nodes, true);
        }

        /** The same mapping without MPOL_F_PRIVATE (a kernel that lacks the flag). */
        public DeviceMapping withoutPrivateFlag() {
            return accept ? new DeviceMapping(true, null, nodes, false) : this;
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
