package org.mmproto.api.driver;

import org.mmproto.api.driver.Decisions.DeviceMapping;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Requests.ControlRequest;
import org.mmproto.api.driver.Requests.DeviceMmapRequest;
import org.mmproto.api.driver.Requests.FaultRequest;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MemoryFailureEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Requests.TeardownEvent;
import org.pf4j.ExtensionPoint;

/**
 * A device driver owning private memory nodes: the RFC's {@code node_private_ops} as a Java
 * extension point; the rules are in framework-api/CONTRACT.md. Every callback has a default, so
 * a driver overrides only what its device needs: the callbacks it implements are the ones its
 * class overrides, nothing else declares them (R5.2), and the engine checks the NP_OPS
 * dependency rules against them (R5.3). One instance serves one node (R1.2, R1.3). Calls to one
 * driver never overlap: they run one at a time on the driver's own thread (R2.1, R2.2). A
 * driver that throws, returns null or overruns its time budget is contained (R3.1-R3.3); one
 * that overruns is quarantined and never called again (R3.4).
 */
public interface PrivateNodeDriver extends ExtensionPoint {

    /**
     * Takes charge of a node; returns what the driver opts into for it. Called once per node,
     * after the engine booted, with a context that already works (R1.3, R1.4), under the same
     * budget and containment as every callback (R3.5). Throwing refuses the node, e.g. a zone
     * the driver cannot use (R5.5); returning null is an error too.
     */
    NodeOptIns bind(NodeBinding binding, DriverContext context);

    /** Pages of the node are about to be handed out: allow, or deny (ENOMEM: "free, but not for you"). */
    default Verdict allocVeto(AllocRequest request) {
        return Verdict.ALLOW;
    }

    /** free_folio: a folio of the node reached refcount zero. */
    default FreeAction freeFolio(FreeEvent event) {
        return FreeAction.RETURN_TO_BUDDY;
    }

    /** A FOLL_LONGTERM pin of a folio on the node. */
    default Verdict longtermPin(PinRequest request) {
        return Verdict.ALLOW;
    }

    /** A folio would move onto or off the node. */
    default Verdict migrationFilter(MigrationRequest request) {
        return Verdict.ALLOW;
    }

    /** migrate_to: folios are migrating to the node; accept or push back (-ENOSPC). */
    default MigrateTo migrateTo(MigrationRequest request) {
        return MigrateTo.ACCEPT;
    }

    /** folio_migrate: the data was copied, the mapping not yet restored; update device metadata. */
    default void folioMigrate(FolioRef src, FolioRef dst) {
    }

    /** handle_fault: a write fault on a write-protected page of the node. */
    default FaultAction handleFault(FaultRequest request) {
        return FaultAction.FAIL;
    }

    /** folio_split: a large folio of the node was split. */
    default void folioSplit(FolioRef original, FolioRef split) {
    }

    /** reclaim_policy: what kswapd and direct reclaim may do on the node. */
    default ReclaimPolicy reclaimPolicy(int nid) {
        return ReclaimPolicy.DEFAULT;
    }

    /** memory_failure: notification only. */
    default void memoryFailure(MemoryFailureEvent event) {
    }

    /** A task's mapping of the node went away (what accelerator drivers use instead of free callbacks). */
    default void teardown(TeardownEvent event) {
    }

    /** The device's pressure on the node, 0 (idle) to 1000 (full: CRAM_PRESSURE_MAX). */
    default int pressure(int nid) {
        return 0;
    }

    /**
     * device_store: data reached the node's memory (a write, a migration copy, zeroing, a swap-in).
     * Not a design hook: the engine calls it on every store to the node under every design, the
     * way the hardware sees every store (R4.16). Notification only; never called from inside the
     * page allocator for stores other than {@link DeviceStore.Kind#ZEROED}.
     */
    default void deviceStore(DeviceStore store) {
    }

    /**
     * Not a design hook: the engine calls it on every CPU load from a page of the node through a
     * mapping, under every design, the way the hardware serves every load (R4.17): what a device
     * needs to know which folios are hot. Notification only; never called from inside the page
     * allocator. A driver that does not override it costs the engine nothing per load.
     */
    default void deviceLoad(DeviceLoad load) {
    }

    /**
     * delayed_work: the driver's work queued with {@link DriverContext#scheduleDelayedWork} is
     * due (R1.10), e.g. a flush buffer drained at an interval. Not a design hook: the engine runs
     * it on its clock under every design, on the driver's lane, contained like every call. The
     * callback may queue work again, and may call every context method.
     */
    default void delayedWork(DelayedWork work) {
    }

    /**
     * device_mmap: the device file is mapped (R7.1). Answer the VMA's device-lifetime policy
     * ({@link DeviceMapping#bindPrivate}) or refuse with the mmap's errno (EINVAL for a mapping
     * the device does not support, e.g. MAP_SHARED). The default is a device without mmap.
     */
    default DeviceMapping deviceMmap(DeviceMmapRequest request) {
        return DeviceMapping.NO_MMAP;
    }

    /**
     * device_control: a write to one of the device's control attributes (R7.3), e.g. anondax's
     * {@code hotplug} and capability toggles. Allow is success; a denial's errno is what the
     * write returns (EBUSY for a toggle while online, EINVAL for a bad value). The default has
     * no attributes: EINVAL.
     */
    default Verdict deviceControl(ControlRequest request) {
        return Verdict.deny(org.mmproto.api.Errno.EINVAL, "no such device attribute: " + request.attr());
    }
}
