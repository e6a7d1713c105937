package org.mmproto.core.hooks;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.function.Supplier;
import org.mmproto.api.Errno;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.Decisions;
import org.mmproto.api.driver.DelayedWork;
import org.mmproto.api.driver.DeviceLoad;
import org.mmproto.api.driver.DeviceStore;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Requests.FaultRequest;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.Verdict;

/**
 * The design's handle on one node's driver: each call is counted under the site in progress
 * and run through {@link Containment}. An absent driver answers every request with the
 * fallback (denied, or the event undelivered).
 */
final class DriverAccessImpl implements DriverAccess {
    private static final NodeOptIns NONE = new NodeOptIns(EnumSet.noneOf(NpOps.class));
    private static final Verdict CONTAINED = Verdict.deny(Errno.ENOMEM, "driver contained or absent");

    private final int nid;
    private final BoundDriver bound;
    /** The hook of the last call that reached the driver (for the private:decision tracepoint). */
    private Hook lastHook;
    private final Containment containment;
    private final HookStats stats;
    private Site site = Site.PAGE_ALLOC;
    /** Hook calls that reached a bound driver (the recorder compares it around a decision). */
    private long calls;
    private long ownCalls;
    /** alloc_veto calls the driver answered with a denial (R4.1 holds the engine to them, whatever the design did). */
    private long vetoes;

    DriverAccessImpl(int nid, BoundDriver bound, Containment containment, HookStats stats) {
        this.nid = nid;
        this.bound = bound;
        this.containment = containment;
        this.stats = stats;
    }

    DriverAccessImpl at(Site s) {
        this.site = s;
        return this;
    }

    @Override
    public int nid() {
        return nid;
    }

    @Override
    public boolean present() {
        return bound != null;
    }

    /** The opt-ins as the engine's invariant checks read them (not design code: no footprint). */
    NodeOptIns declared() {
        return bound == null ? NONE : bound.optIns();
    }

    long calls() {
        return calls;
    }

    /** Calls that reached a callback the bound driver implements (its own answer, not a default). */
    long ownCalls() {
        return ownCalls;
    }

    /** The alloc_veto denials the driver answered itself (not contained): each binds the allocation call (R4.1). */
    long vetoes() {
        return vetoes;
    }

    /** The node's declared opt-ins: static data, reading them is not a consultation. */
    @Override
    public NodeOptIns optIns() {
        return bound == null ? NONE : bound.optIns();
    }

    /** The last hook called ("-" for none) and the driver's name ("-" without one), for traces. */
    String lastHookName() {
        return lastHook == null ? "-" : lastHook.kernelName();
    }

    String driverName() {
        return bound == null ? "-" : bound.pluginId();
    }

    private <T> T call(Hook hook, Object request, Supplier<T> call, T fallback, boolean verdict) {
        if (bound == null) {
            return fallback; // no driver, no call: the contract's default answer, nothing counted
        }
        calls++;
        lastHook = hook;
        if (bound.hooks().contains(hook)) {
            ownCalls++;
        }
        HookStats.Tally t = stats.hook(site, hook);
        long containedBefore = t.contained;
        long start = System.nanoTime();
        T answer = containment.call(bound, site, hook, call, fallback);
        containment.called(new HookObserver.Call(nid, site, hook, request, answer,
                t.contained != containedBefore, System.nanoTime() - start), bound.pluginId());
        if (verdict) {
            if (answer instanceof Verdict v && v.allowed() || answer == FreeAction.RETURN_TO_BUDDY
                    || answer instanceof MigrateTo m && m.accept() || answer == FaultAction.PROMOTE) {
                t.allowed++;
            } else {
                t.denied++;
            }
        }
        return answer;
    }

    @Override
    public Verdict allocVeto(AllocRequest request) {
        long contained = bound == null ? 0 : stats.hook(site, Hook.ALLOC_VETO).contained;
        Verdict v = call(Hook.ALLOC_VETO, request, () -> bound.driver().allocVeto(request), CONTAINED, true);
        if (bound != null && !v.allowed() && stats.hook(site, Hook.ALLOC_VETO).contained == contained) {
            vetoes++;
        }
        return v;
    }

    @Override
    public FreeAction freeFolio(FreeEvent event) {
        return call(Hook.FREE_FOLIO, event, () -> bound.driver().freeFolio(event), FreeAction.RETURN_TO_BUDDY, true);
    }

    @Override
    public Verdict longtermPin(PinRequest request) {
        return call(Hook.LONGTERM_PIN, request, () -> bound.driver().longtermPin(request), CONTAINED, true);
    }

    @Override
    public Verdict migrationFilter(MigrationRequest request) {
        return call(Hook.MIGRATION_FILTER, request, () -> bound.driver().migrationFilter(request), CONTAINED, true);
    }

    @Override
    public MigrateTo migrateTo(MigrationRequest request) {
        return call(Hook.MIGRATE_TO, request, () -> bound.driver().migrateTo(request), MigrateTo.refuse(Errno.ENOMEM), true);
    }

    @Override
    public FaultAction handleFault(FaultRequest request) {
        return call(Hook.HANDLE_FAULT, request, () -> bound.driver().handleFault(request), FaultAction.FAIL, true);
    }

    @Override
    public Decisions.ReclaimPolicy reclaimPolicy() {
        return call(Hook.RECLAIM_POLICY, nid, () -> bound.driver().reclaimPolicy(nid),
                Decisions.ReclaimPolicy.DEFAULT, false);
    }

    @Override
    public int pressure() {
        Integer p = call(Hook.PRESSURE, nid, () -> bound.driver().pressure(nid), 0, false);
        return Math.max(0, Math.min(1000, p));
    }

    /** Published state (DriverContext.withdrawAllocation), not a hook: nothing is called or counted. */
    @Override
    public boolean allocationWithdrawn() {
        return bound != null && bound.context() != null && bound.context().allocationWithdrawnRecorded();
    }

    /** device_mmap (R7.1): a contained failure refuses the mapping (ENODEV). */
    Decisions.DeviceMapping deviceMmap(Requests.DeviceMmapRequest request) {
        Decisions.DeviceMapping fallback = Decisions.DeviceMapping.refuse(Errno.ENODEV);
        return call(Hook.DEVICE_MMAP, request, () -> bound.driver().deviceMmap(request),
                bound == null ? Decisions.DeviceMapping.NO_MMAP : fallback, false);
    }

    /** device_control (R7.3): a contained failure fails the write (EIO). */
    Verdict deviceControl(Requests.ControlRequest request) {
        return call(Hook.DEVICE_CONTROL, request, () -> bound.driver().deviceControl(request),
                Verdict.deny(bound == null ? Errno.ENODEV : Errno.EIO, "device_control contained or no driver"), true);
    }

    /** The bound driver, for a re-registration (null for none). */
    BoundDriver bound() {
        return bound;
    }

    /** folio_migrate: notification; a failure is contained and recorded. */
    void folioMigrate(FolioRef src, FolioRef dst) {
        call(Hook.FOLIO_MIGRATE, Arrays.asList(src, dst), () -> {
            bound.driver().folioMigrate(src, dst);
            return Boolean.TRUE;
        }, Boolean.FALSE, false);
    }

    /** folio_split: notification; {@code split} is null on the final call. */
    void folioSplit(FolioRef original, FolioRef split) {
        call(Hook.FOLIO_SPLIT, Arrays.asList(original, split), () -> {
            bound.driver().folioSplit(original, split);
            return Boolean.TRUE;
        }, Boolean.FALSE, false);
    }

    /** memory_failure: notification only; the kernel's handling goes on. */
    void memoryFailure(Requests.MemoryFailureEvent e) {
        call(Hook.MEMORY_FAILURE, e, () -> {
            bound.driver().memoryFailure(e);
            return Boolean.TRUE;
        }, Boolean.FALSE, false);
    }

    /**
     * device_store: a notification no design asks for (R4.16). Only a driver that implements it
     * is called, and the call is not counted in {@link #calls()}, so no decision in progress
     * reads it as a consultation.
     */
    void deviceStore(DeviceStore store) {
        if (bound == null || !bound.hooks().contains(Hook.DEVICE_STORE)) {
            return;
        }
        callNotification(Site.DEVICE_MEMORY, Hook.DEVICE_STORE, store, () -> bound.driver().deviceStore(store));
    }

    /** Whether the bound driver listens to stores (R4.16). */
    boolean observesStores() {
        return bound != null && bound.hooks().contains(Hook.DEVICE_STORE);
    }

    /** device_load: like {@link #deviceStore}, a notification no design asks for (R4.17), not counted in {@link #calls()}. */
    void deviceLoad(DeviceLoad load) {
        if (!observesLoads()) {
            return;
        }
        callNotification(Site.DEVICE_MEMORY, Hook.DEVICE_LOAD, load, () -> bound.driver().deviceLoad(load));
    }

    /** Whether the bound driver listens to loads (R4.17). */
    boolean observesLoads() {
        return bound != null && bound.hooks().contains(Hook.DEVICE_LOAD);
    }

    /**
     * delayed_work (R1.10): the driver's queued work is due. Like {@link #deviceStore}, no design
     * asks it and it is not counted in {@link #calls()}; a failure is contained and recorded.
     */
    void delayedWork(DelayedWork work) {
        if (bound == null) {
            return;
        }
        callNotification(Site.DEVICE_WORK, Hook.DELAYED_WORK, work, () -> bound.driver().delayedWork(work));
    }

    /**
     * One contained call of a notification no design asks for, reported to the observer and
     * traced (private:hook) under the driver's plugin id, device_load as device_store.
     */
    private void callNotification(Site site, Hook hook, Object arg, Runnable call) {
        HookStats.Tally t = stats.hook(site, hook);
        long containedBefore = t.contained;
        long start = System.nanoTime();
        Boolean answer = containment.call(bound, site, hook, () -> {
            call.run();
            return Boolean.TRUE;
        }, Boolean.FALSE);
        HookObserver.Call c = new HookObserver.Call(nid, site, hook, arg, answer, t.contained != containedBefore,
                System.nanoTime() - start);
        containment.called(c, bound.pluginId());
    }

    /** teardown: notification. */
    void teardown(Requests.TeardownEvent e) {
        call(Hook.TEARDOWN, e, () -> {
            bound.driver().teardown(e);
            return Boolean.TRUE;
        }, Boolean.FALSE, false);
    }
}
