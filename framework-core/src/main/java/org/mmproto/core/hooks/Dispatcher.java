package org.mmproto.core.hooks;

import java.util.Locale;
import org.mmproto.core.trace.Tracepoint;
import org.mmproto.core.trace.Tracer;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.design.AllocContext;
import org.mmproto.api.design.AllocGate;
import org.mmproto.api.design.CollapsePlan;
import org.mmproto.api.design.CpusetMems;
import org.mmproto.api.design.Design;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.design.HomeNodeRequest;
import org.mmproto.api.design.NodeZonelists;
import org.mmproto.api.design.UserAllocation;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.DeviceStore;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.mm.AllocCall;
import org.mmproto.core.mm.FolioRelease;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.PrivateNodeCheckpoint;
import org.mmproto.core.mm.PrivateNodeLayout;

/**
 * The one door every mm call site that concerns a node the machine marks private goes through.
 * It asks the run's {@link Design}, hands it a contained {@link DriverAccessImpl} for the node's
 * driver, and records exactly one decision per (event, private node concerned) in
 * {@link HookStats}: the answer, the driver hooks consulted, and whether the answer or the
 * consultation departed from what {@link Unpatched} (mainline) does on the same event — the
 * design's patch footprint. Ordinary nodes never reach it. It also keeps the privacy ledger:
 * the invariants the engine checks where they can break.
 *
 * <p>Over 600 lines because it is one entry per {@link Site}: each site's method is a few lines
 * (build the request, ask the design, record the decision), and splitting them would scatter the
 * one place where decisions are counted. What the device sees of its memory (stores and loads,
 * with their coalescing) is {@link DeviceMemory}'s.
 */
public final class Dispatcher implements PrivateNodeCheckpoint, FolioRelease.FreeGate, PrivateNodeLayout {
    private static final Design MAINLINE = new Unpatched();
    /** Mainline never asks a driver; its answers are computed against no driver at all. */
    private final DriverAccessImpl noDriver;

    private final Design design;
    /** Per node; replaced once when the drivers bind. */
    private final DriverAccessImpl[] access;
    private final boolean[] isPrivate;
    private final boolean anyPrivate;
    private final HookStats stats;
    private final Containment containment;
    private final CpusetMems[] cpuset;
    private Memmap memmap;
    private Tracer tracer = Tracer.OFF;
    /** The task the engine is acting for (set around faults and syscalls); KERNEL otherwise. */
    private TaskRef current = TaskRef.KERNEL;
    private final PrivacyLedger ledger = new PrivacyLedger();
    /** Open task-scoped allocation contexts (what MEMALLOC_PRIVATE would leave in current->flags). */
    private int taskScope;

    /**
     * @param isPrivate per node, whether the machine marks it private (private nids must be below 64)
     */
    public Dispatcher(boolean[] isPrivate, Design design, Map<Integer, BoundDriver> drivers, Containment containment,
                      HookStats stats) {
        this(isPrivate, design, containment, stats);
        bindDrivers(drivers);
    }

    /** A dispatcher whose drivers bind later ({@link #bindDrivers}): boot decisions ask no driver. */
    public Dispatcher(boolean[] isPrivate, Design design, Containment containment, HookStats stats) {
        this.design = design;
        this.stats = stats;
        this.containment = containment;
        int n = isPrivate.length;
        this.isPrivate = isPrivate.clone();
        this.access = new DriverAccessImpl[n];
        this.cpuset = new CpusetMems[n];
        boolean any = false;
        for (int nid = 0; nid < n; nid++) {
            if (isPrivate[nid] && nid >= Long.SIZE) {
                throw new IllegalArgumentException("private node " + nid + ": mmproto supports private nodes 0-63");
            }
            any |= isPrivate[nid];
            access[nid] = new DriverAccessImpl(nid, null, containment, stats);
        }
        this.anyPrivate = any;
        this.noDriver = new DriverAccessImpl(-1, null, containment, stats);
        this.deviceMemory = new DeviceMemory(this, access);
    }

    /** Hands the design the bound drivers (after the engine booted and they bound). */
    public void bindDrivers(Map<Integer, BoundDriver> drivers) {
        drivers.forEach((nid, d) -> access[nid] = new DriverAccessImpl(nid, d, containment, stats));
        deviceMemory.rebound();
    }

    /** Late binding of the memmap (the kernel builds it after the allocator). */
    public void attach(Memmap m) {
        this.memmap = m;
    }

    public Design design() {
        return design;
    }

    public HookStats stats() {
        return stats;
    }

    public PrivacyLedger ledger() {
        return ledger;
    }

    public Containment containment() {
        return containment;
    }

    public boolean isPrivate(int nid) {
        return nid >= 0 && nid < isPrivate.length && isPrivate[nid];
    }

    public boolean hasPrivateNodes() {
        return anyPrivate;
    }

    // ---- Site.DEVICE_FILE (R7.1-R7.3): the device file's calls, in a class of their own ----

    private final DeviceFiles deviceFiles = new DeviceFiles(this);

    /** mmap of a device file and writes to its attributes (CONTRACT R7). */
    public DeviceFiles deviceFiles() {
        return deviceFiles;
    }

    private final DeviceWork deviceWork = new DeviceWork(this);

    /** The drivers' delayed work on the engine's clock (CONTRACT R1.10). */
    public DeviceWork deviceWork() {
        return deviceWork;
    }

    /** The node's driver as the design sees it at {@code site} (for the device file's calls). */
    DriverAccessImpl accessAt(int nid, Site site) {
        return at(nid, site);
    }

    static Design mainline() {
        return MAINLINE;
    }

    /**
     * The node's driver registers again with {@code optIns} (a device onlined again, its
     * capabilities fixed at this registration): the design reads these from now on. The
     * dependency rules of R5.3 are checked by the caller.
     */
    public void reregister(int nid, NodeOptIns optIns) {
        BoundDriver b = access[nid].bound();
        if (b == null) {
            throw new IllegalStateException("node " + nid + " has no driver to register again");
        }
        access[nid] = new DriverAccessImpl(nid, new BoundDriver(b.pluginId(), b.driver(), b.binding(), optIns,
                b.hooks(), b.context()), containment, stats);
        deviceMemory.rebound();
    }

    /** The hooks the node's driver class implements (R5.2); empty without a driver. */
    public java.util.Set<org.mmproto.api.driver.Hook> implementedHooks(int nid) {
        BoundDriver b = access[nid].bound();
        return b == null ? java.util.Set.of() : b.hooks();
    }

    /** The opt-ins the node's driver registered last (bind, or its latest online). */
    public NodeOptIns registered(int nid) {
        return access[nid].declared();
    }

    public TaskRef current() {
        return current;
    }

    /** Sets the acting task; returns the previous one so callers can restore it. */
    public TaskRef enter(TaskRef task) {
        TaskRef prev = current;
        current = task;
        return prev;
    }

    public FolioRef folioRef(long pfn) {
        return new FolioRef(pfn, memmap.order(pfn), memmap.nid(pfn), memmap.zone(pfn),
                (memmap.flags(pfn) & Memmap.PG_ANON) != 0, memmap.mapcount(pfn));
    }

    /** The node's driver handle at {@code site}; stores not yet delivered go first, so the driver sees events in order. */
    private DriverAccessImpl at(int nid, Site site) {
        deviceMemory.flush();
        return access[nid].at(site);
    }

    // ---- Site.DEVICE_MEMORY: the device sees every store (R4.16) and load (R4.17), whatever the design ----

    private final DeviceMemory deviceMemory;

    /** What user stores write until the next call (a touch step's {@code content}); returns the previous. */
    public DeviceStore.Content storeContent(DeviceStore.Content c) {
        return deviceMemory.storeContent(c);
    }

    /**
     * Opens ({@code true}) or closes a batch in which consecutive user stores (or loads) to one
     * folio are delivered as one.
     */
    public void storeBatch(boolean open) {
        deviceMemory.batch(open);
    }

    /**
     * A store of {@code pages} pages from {@code pfn} (inside the folio at {@code head}) reached a
     * node; a private node's driver that listens is told (R4.16). Not a decision: no design is
     * asked and nothing is recorded at a site but the hook call.
     */
    public void deviceStore(long head, long pfn, long pages, DeviceStore.Kind kind) {
        deviceMemory.store(head, pfn, pages, kind, current);
    }

    /**
     * migrate_pages() copied the folio at {@code src} to {@code dst}: the copy carries each page's
     * content kind, and a private node's driver is told the store (R4.16), as {@link #deviceStore}.
     */
    public void deviceCopy(long src, long dst, long pages) {
        deviceMemory.copy(src, dst, pages, current);
    }

    /**
     * khugepaged copied a range into the folio at {@code head}: page i from {@code src[i]}, or
     * cleared where {@code src[i] < 0}; kinds travel page by page, as {@link #deviceCopy}.
     */
    public void deviceCollapse(long head, long[] src) {
        deviceMemory.collapse(head, src, current);
    }

    /** The content kind of the page at {@code pfn} as code (0 unspecified), for its swap slot. */
    public byte pageContent(long pfn) {
        return DeviceMemory.PageContents.code(deviceMemory.content(pfn));
    }

    /** A page swapped out with content {@code code} (pageContent) was read back into {@code pfn}. */
    public void deviceSwapIn(long pfn, byte code) {
        DeviceStore.Content[] kinds = {DeviceStore.Content.UNSPECIFIED, DeviceStore.Content.ZERO,
                DeviceStore.Content.TEXT, DeviceStore.Content.INCOMPRESSIBLE};
        deviceMemory.swapIn(pfn, kinds[code], current);
    }

    /** Whether some private node's driver listens to loads (R4.17); when none does, readers need not ask. */
    public boolean observesLoads() {
        return deviceMemory.observesLoads();
    }

    /**
     * The acting task read {@code pages} pages from {@code pfn} (inside the folio at {@code head})
     * through a mapping; a private node's driver that listens is told (R4.17). Not a decision.
     */
    public void deviceLoad(long head, long pfn, long pages) {
        deviceMemory.load(head, pfn, pages, current);
    }

    Memmap memmap() {
        return memmap;
    }

    // ---- recording: one decision per (event, node) ----

    /** Records the design's answer at {@code site} against mainline's on the same event. */
    private <T> T record(Site site, int nid, long callsBefore, T answer, T mainline, boolean allowed) {
        boolean consulted = nid >= 0 && access[nid].calls() != callsBefore;
        stats.decided(site, allowed, consulted || !sameAnswer(answer, mainline));
        if (tracer.on(Tracepoint.PRIVATE_DECISION)) {
            tracer.emit(Tracepoint.PRIVATE_DECISION, nid, site.name().toLowerCase(Locale.ROOT), design.name(), nid,
                    nid >= 0 ? access[nid].driverName() : "-", consulted ? access[nid].lastHookName() : "-",
                    (allowed ? "allow" : "deny") + (answer instanceof Verdict.Deny dn && dn.errno() != null ? ":" + dn.errno() : ""),
                    tracer.line());
        }
        return answer;
    }

    /** The private:decision tracepoint of every decision recorded from now on (set at boot). */
    public void attachTracer(Tracer t) {
        this.tracer = t;
    }

    private static boolean sameAnswer(Object a, Object b) {
        if (a instanceof Verdict va && b instanceof Verdict vb) {
            return va.allowed() == vb.allowed();
        }
        return Objects.equals(a, b);
    }

    private long calls(int nid) {
        return access[nid].calls();
    }

    // ---- boot: Site.NODE_STATES, ZONELIST_BUILD, CPUSET (once per private node) ----

    @Override
    public boolean inNMemory(int nid) {
        boolean a = design.inNMemory(nid);
        return record(Site.NODE_STATES, -1, 0, a, MAINLINE.inNMemory(nid), true);
    }

    @Override
    public NodeZonelists zonelists(int nid) {
        NodeZonelists a = design.zonelists(nid);
        return record(Site.ZONELIST_BUILD, -1, 0, a, MAINLINE.zonelists(nid), true);
    }

    /** Decides each private node's cpuset handling once, at boot. */
    public void decideCpusets() {
        for (int nid = 0; nid < isPrivate.length; nid++) {
            if (isPrivate[nid]) {
                CpusetMems a = design.cpusetMems(nid);
                cpuset[nid] = record(Site.CPUSET, -1, 0, a, MAINLINE.cpusetMems(nid), a != null);
            }
        }
    }

    /** The boot-time cpuset answer for private node {@code nid} (null for ordinary nodes). */
    public CpusetMems cpusetMems(int nid) {
        return isPrivate(nid) ? cpuset[nid] : null;
    }

    // ---- Site.ALLOC_CONTEXT ----

    /** How a user folio allocation concerning private node {@code r.nid()} is made. */
    public AllocContext userAllocation(UserAllocation r) {
        int nid = r.nid();
        long before = calls(nid);
        AllocContext a = design.userAllocation(r, at(nid, Site.ALLOC_CONTEXT));
        return record(Site.ALLOC_CONTEXT, nid, before, a, MAINLINE.userAllocation(r, noDriver), true);
    }

    private TaskRef beforeNested;
    private int nestedDepth;
    private final PendingTarget pendingTarget = new PendingTarget();

    /** An allocation nested inside the allocator runs for no task (an interrupt, a debug option). */
    @Override
    public void nested(boolean enter) {
        nestedDepth += enter ? 1 : -1;
        if (enter) {
            beforeNested = enter(TaskRef.KERNEL);
        } else {
            enter(beforeNested);
        }
        pendingTarget.nested(enter);
    }

    /** Opens ({@code true}) or closes a task-scoped allocation context. */
    public void taskScope(boolean open) {
        taskScope += open ? 1 : -1;
    }

    // ---- Site.PAGE_ALLOC / PAGE_HANDOUT (asked once per allocation call and node) ----

    /** What the user fault in progress allocates a folio for (FaultHandler tells; UNKNOWN outside a fault). */
    private Requests.Backing faultBacking = Requests.Backing.UNKNOWN;

    /**
     * The fault path names the backing of the folio it is about to allocate (anonymous, or a
     * shmem page-cache folio through a shared or private mapping), for AllocRequest.backing;
     * returns the previous one, to be restored. Only a folio allocation that is no migration target
     * carries it, and an allocation nested in the allocator does not.
     */
    public Requests.Backing faultBacking(Requests.Backing b) {
        Requests.Backing prev = faultBacking;
        faultBacking = b;
        return prev;
    }

    private AllocGate gate(int nid, int gfp, int order, int preferredNid, AllocCall call) {
        Requests.Backing backing = call.folio() && call.reason() == null && nestedDepth == 0 ? faultBacking
                : Requests.Backing.UNKNOWN;
        var request = new Requests.AllocRequest(nid, order, Gfp.of(gfp), preferredNid, current, call.folio(), call.reason(),
                backing);
        return new AllocGate(request, call.zonelist(), taskScope > 0);
    }

    @Override
    public boolean allowAlloc(int nid, int gfp, int order, int preferredNid, AllocCall call) {
        if (!pendingTarget.mayUse(nid)) {
            return false;
        }
        return allocDecision(Site.PAGE_ALLOC, gate(nid, gfp, order, preferredNid, call), call, design::alloc, MAINLINE::alloc);
    }

    @Override
    public boolean handout(int nid, int gfp, int order, int preferredNid, AllocCall call) {
        return allocDecision(Site.PAGE_HANDOUT, gate(nid, gfp, order, preferredNid, call), call, design::handout,
                MAINLINE::handout);
    }

    /**
     * One allocation decision at {@code site}, against mainline's; a driver consulted and allowing
     * is the driver's consent for this call (no leak).
     */
    private boolean allocDecision(Site site, AllocGate g, AllocCall call, BiFunction<AllocGate, DriverAccess, Verdict> ask,
                                  BiFunction<AllocGate, DriverAccess, Verdict> mainline) {
        int nid = g.request().nid();
        long before = calls(nid);
        long own = access[nid].ownCalls();
        long vetoes = access[nid].vetoes();
        Verdict v = ask.apply(g, at(nid, site));
        record(site, nid, before, v, mainline.apply(g, noDriver), v.allowed());
        // only the driver's own callback can consent, not a default answering for it, and a veto never does
        if (v.allowed() && access[nid].ownCalls() != own && access[nid].vetoes() == vetoes) {
            call.consented |= 1L << nid;
        }
        // the driver's own denial binds the call whatever the design answered (R4.1: a design that
        // asks and then hands the pages out anyway breaks it), as does a design's denial after asking
        if (!v.allowed() && calls(nid) != before || access[nid].vetoes() != vetoes) {
            call.vetoed |= 1L << nid;
        }
        return v.allowed();
    }

    /**
     * The leak invariant: a folio landed on a private node although its caller did not aim at
     * the node (no policy or migration naming it, no {@code __GFP_PRIVATE} where the design has
     * that flag) and no driver callback consented in this call. Under mainline every such landing
     * is one.
     */
    @Override
    public void allocated(long pfn, int nid, int gfp, AllocCall call) {
        if (!isPrivate[nid]) {
            // a zeroed folio of a node without a device (folio_zero_user clears every subpage):
            // its pages read as ZERO, whatever their pfns held in an earlier life
            deviceMemory.zeroed(pfn, 1L << memmap.order(pfn));
            return;
        }
        containment.observer().landed(nid, pfn, (call.vetoed & (1L << nid)) != 0);
        if ((gfp & Gfp.Bits.ZERO) != 0) {
            deviceStore(pfn, pfn, 1L << memmap.order(pfn), DeviceStore.Kind.ZEROED);
        }
        boolean flagged = (gfp & Gfp.Bits.PRIVATE) != 0 && design.honoursGfpPrivate();
        if (!call.intends(nid) && !flagged && (call.consented & (1L << nid)) == 0) {
            ledger.leak(nid, pfn, (call.folio() ? "folio" : "kernel") + " allocation (" + Gfp.of(gfp)
                    + ") landed on the private node without aiming at it or driver consent");
        }
    }

    // ---- Site.FREE ----

    @Override
    public boolean keep(long pfn, int order, int nid, FreePath path) {
        if (!isPrivate[nid]) {
            return false;
        }
        deviceMemory.flush(); // the folio's stores and loads reach the device before it is freed
        var event = new Requests.FreeEvent(folioRef(pfn), path);
        long before = calls(nid);
        FreeAction a = design.free(event, at(nid, Site.FREE));
        record(Site.FREE, nid, before, a, MAINLINE.free(event, noDriver), true);
        boolean delivered = calls(nid) != before;
        if (!delivered && access[nid].present() && design.notifiesFree(path)) {
            ledger.unnotifiedFree(nid, pfn, "freed by " + path.kernelName() + " without free_folio");
        }
        if (a != FreeAction.KEEP) {
            ledger.freed(pfn);
        }
        return a == FreeAction.KEEP;
    }

    // ---- Site.SET_MEMPOLICY, MBIND, MIGRATE_NODE ----

    /** May a user nodemask or target node at {@code site} name private node {@code nid}? */
    public Verdict policyTarget(int nid, Site site) {
        long before = calls(nid);
        Verdict v = design.policyTarget(site, current, at(nid, site));
        return record(site, nid, before, v, MAINLINE.policyTarget(site, current, noDriver), v.allowed());
    }

    /** May set_mempolicy_home_node name private node {@code r.nid()} as the home node? */
    public Verdict homeNode(HomeNodeRequest r) {
        int nid = r.nid();
        long before = calls(nid);
        Verdict v = design.homeNode(r, at(nid, Site.HOME_NODE));
        return record(Site.HOME_NODE, nid, before, v, MAINLINE.homeNode(r, noDriver), v.allowed());
    }

    // ---- Site.MIGRATE_SOURCE / MIGRATE_TARGET ----

    /** May this folio leave its private node (for {@code to}, -1 = not known yet)? */
    public Verdict migrateOff(long pfn, int to, MigrateReason reason) {
        int from = memmap.nid(pfn);
        var r = new Requests.MigrationRequest(folioRef(pfn), from, to, reason, current);
        long before = calls(from);
        Verdict v = design.migrate(r, false, at(from, Site.MIGRATE_SOURCE));
        return record(Site.MIGRATE_SOURCE, from, before, v, MAINLINE.migrate(r, false, noDriver), v.allowed());
    }

    /** May this folio arrive on private node {@code to}? */
    public Verdict migrateOnto(long pfn, int to, MigrateReason reason) {
        int from = memmap.nid(pfn);
        var r = new Requests.MigrationRequest(folioRef(pfn), from, to, reason, current);
        long before = calls(to);
        Verdict v = design.migrate(r, true, at(to, Site.MIGRATE_TARGET));
        return record(Site.MIGRATE_TARGET, to, before, v, MAINLINE.migrate(r, true, noDriver), v.allowed());
    }

    /**
     * Allocates the target of a migration whose node the allocation picks (mbind MPOL_MF_MOVE by
     * policy, a longterm pin's move off ZONE_MOVABLE): when the allocator's walk reaches a private
     * node other than the folio's, the MIGRATE_TARGET decision (migrate_to under ops-struct) is
     * made there, once per node for this folio, before a page of the node is taken; a refused
     * node is skipped. If the allocation then fails and a node refused, the refusal's errno is
     * the result. A call for the folio already being allocated for (the syscall's own wrapper
     * inside the engine's) joins it.
     */
    public long migrationTarget(long src, MigrateReason reason, LongSupplier alloc) {
        boolean outer = !pendingTarget.isFor(src);
        if (outer) {
            pendingTarget.begin(src, reason, this::migrateOnto, memmap.nid(src));
        }
        try {
            long dst = alloc.getAsLong();
            Verdict refusal = pendingTarget.refusal();
            return dst < 0 && refusal != null ? -errnoOf(refusal, Errno.EBUSY).code() : dst;
        } finally {
            if (outer) {
                pendingTarget.end();
            }
        }
    }

    /**
     * A folio left private node {@code from} for {@code to}: the escape invariant holds it
     * against the driver's declared opt-ins (a move the driver requested is not an escape).
     */
    public void leftNode(long src, int from, int to, MigrateReason reason, boolean driverRequested) {
        if (!isPrivate(from) || from == to || driverRequested || reason == MigrateReason.MR_MEMORY_FAILURE) {
            return;
        }
        if (!consentsToLeave(access[from].declared(), reason)) {
            ledger.escape(from, src, "moved to node " + to + " by " + reason.traceName()
                    + " although the driver did not opt into migration");
        }
    }

    /**
     * Whether a driver's opt-ins cover a folio leaving its node for {@code reason}: v4's
     * NP_OPS_MIGRATION covers user and kernel migration alike; a v5 capability covers its own
     * reasons only (USER_NUMA the syscalls, NUMA_BALANCING misplaced folios, DEMOTION demotion,
     * HOTUNPLUG hot-unplug). A node without a driver consents to nothing.
     */
    private static boolean consentsToLeave(NodeOptIns declared, MigrateReason reason) {
        if (declared.has(NpOps.NP_OPS_MIGRATION)) {
            return true;
        }
        NodeCap cap = switch (reason) {
            case MR_SYSCALL, MR_MEMPOLICY_MBIND -> NodeCap.NODE_PRIVATE_CAP_USER_NUMA;
            case MR_NUMA_MISPLACED -> NodeCap.NODE_PRIVATE_CAP_NUMA_BALANCING;
            case MR_DEMOTION -> NodeCap.NODE_PRIVATE_CAP_DEMOTION;
            case MR_MEMORY_HOTPLUG -> NodeCap.NODE_PRIVATE_CAP_HOTUNPLUG;
            default -> null;
        };
        return cap != null && declared.caps().contains(cap);
    }

    /** folio_migrate: the copy is done, the mapping not yet restored. */
    public void folioMigrated(long src, long dst) {
        if (!design.notifiesMigration()) {
            return;
        }
        int nid = memmap.nid(dst);
        int srcNid = memmap.nid(src);
        // part of the migration event decided at MIGRATE_SOURCE / MIGRATE_TARGET: a hook call, no decision
        if (isPrivate(nid)) {
            at(nid, Site.MIGRATE_TARGET).folioMigrate(folioRef(src), folioRef(dst));
        }
        if (isPrivate(srcNid) && srcNid != nid) {
            at(srcNid, Site.MIGRATE_SOURCE).folioMigrate(folioRef(src), folioRef(dst));
        }
    }

    // ---- Site.GUP_LONGTERM ----

    public PinAction longtermPin(long pfn) {
        int nid = memmap.nid(pfn);
        var r = new Requests.PinRequest(folioRef(pfn), current);
        long before = calls(nid);
        PinAction a = design.longtermPin(r, at(nid, Site.GUP_LONGTERM));
        return record(Site.GUP_LONGTERM, nid, before, a, MAINLINE.longtermPin(r, noDriver), a != PinAction.REFUSE);
    }

    // ---- Site.WRITE_PROTECT / WRITE_FAULT ----

    /** Is a new user mapping of a folio on this private node made read-only? */
    public boolean writeProtected(int nid) {
        if (!isPrivate(nid)) {
            return false;
        }
        long before = calls(nid);
        boolean wp = design.writeProtected(at(nid, Site.WRITE_PROTECT));
        return record(Site.WRITE_PROTECT, nid, before, wp, MAINLINE.writeProtected(noDriver), !wp);
    }

    public FaultAction writeFault(long pfn, long addr) {
        int nid = memmap.nid(pfn);
        var r = new Requests.FaultRequest(folioRef(pfn), addr, current);
        long before = calls(nid);
        FaultAction a = design.writeFault(r, at(nid, Site.WRITE_FAULT));
        return record(Site.WRITE_FAULT, nid, before, a, MAINLINE.writeFault(r, noDriver),
                a == FaultAction.PROMOTE || a == FaultAction.COPY);
    }

    /**
     * A write reached a folio of a node that asked for write protection (v4 NP_OPS_PROTECT_WRITE,
     * v5's write fence): only a write that went through handle_fault or the copy may reach it.
     */
    public void writeAccess(long pfn, boolean viaHandleFault) {
        int nid = memmap.nid(pfn);
        if (!isPrivate(nid) || viaHandleFault) {
            return;
        }
        var declared = access[nid].declared();
        if (declared.has(NpOps.NP_OPS_PROTECT_WRITE)) {
            ledger.unsafeWrite(nid, pfn, "write without handle_fault on a node that asked for NP_OPS_PROTECT_WRITE");
        } else if (declared.has(NodeCap.NODE_PRIVATE_CAP_WRITE_FENCE)) {
            ledger.unsafeWrite(nid, pfn, "write in place on a node with NODE_PRIVATE_CAP_WRITE_FENCE");
        }
    }

    // ---- Site.RECLAIM, DEMOTION, PROMOTION, KHUGEPAGED, COMPACTION ----

    /** The watermark_boost the design sets for a pressure the node's driver reported (R1.6). */
    public long watermarkBoost(int nid, int pressure, long managedPages) {
        long before = calls(nid);
        long b = design.watermarkBoost(nid, pressure, managedPages, at(nid, Site.RECLAIM));
        return record(Site.RECLAIM, nid, before, b, MAINLINE.watermarkBoost(nid, pressure, managedPages, noDriver), true);
    }

    /** What reclaim may do on private node {@code nid} (asked when kswapd would be woken for it). */
    public ReclaimPolicy reclaim(int nid) {
        long before = calls(nid);
        ReclaimPolicy p = design.reclaim(nid, at(nid, Site.RECLAIM));
        return record(Site.RECLAIM, nid, before, p, MAINLINE.reclaim(nid, noDriver), p.active());
    }

    /** Does private node {@code nid} join the memory tiers (establish_demotion_targets)? */
    public boolean memoryTier(int nid) {
        long before = calls(nid);
        boolean a = design.memoryTier(nid, access[nid].at(Site.DEMOTION));
        return record(Site.DEMOTION, nid, before, a, MAINLINE.memoryTier(nid, noDriver), a);
    }

    /** May the folio at {@code pfn} be demoted onto private node {@code to}? */
    public Verdict demotion(long pfn, int to) {
        var r = new Requests.MigrationRequest(folioRef(pfn), memmap.nid(pfn), to, MigrateReason.MR_DEMOTION, current);
        long before = calls(to);
        Verdict v = design.demotion(r, at(to, Site.DEMOTION));
        return record(Site.DEMOTION, to, before, v, MAINLINE.demotion(r, noDriver), v.allowed());
    }

    /** May NUMA balancing promote the folio at {@code pfn} off its private node to {@code to}? */
    public Verdict promotion(long pfn, int to) {
        int from = memmap.nid(pfn);
        var r = new Requests.MigrationRequest(folioRef(pfn), from, to, MigrateReason.MR_NUMA_MISPLACED, current);
        long before = calls(from);
        Verdict v = design.promotion(r, at(from, Site.PROMOTION));
        return record(Site.PROMOTION, from, before, v, MAINLINE.promotion(r, noDriver), v.allowed());
    }

    /** What khugepaged (or MADV_COLLAPSE) does with the folio at {@code pfn} on its private node. */
    public CollapsePlan collapse(long pfn, long addr, boolean madvise) {
        int nid = memmap.nid(pfn);
        var r = new Requests.CollapseRequest(folioRef(pfn), addr, current, madvise);
        long before = calls(nid);
        CollapsePlan p = design.collapse(r, at(nid, Site.KHUGEPAGED));
        return record(Site.KHUGEPAGED, nid, before, p, MAINLINE.collapse(r, noDriver), p != CollapsePlan.SKIP);
    }

    /**
     * A collapse copied pages of private node {@code from} into a THP on {@code to}: the escape
     * invariant, as for a migration (MADV_COLLAPSE is the user's request: USER_NUMA under v5).
     */
    public void collapsedOff(long src, int from, int to, boolean madvise) {
        if (!isPrivate(from) || from == to) {
            return;
        }
        NodeOptIns declared = access[from].declared();
        // khugepaged has no reason of its own: only v4's NP_OPS_MIGRATION covers it
        boolean consented = madvise ? consentsToLeave(declared, MigrateReason.MR_SYSCALL)
                : declared.has(NpOps.NP_OPS_MIGRATION);
        if (!consented) {
            ledger.escape(from, src, "collapsed into a THP on node " + to + " by " + (madvise ? "MADV_COLLAPSE" : "khugepaged")
                    + " although the driver did not opt into migration");
        }
    }

    /** May compaction run in private node {@code nid}'s zones? */
    public Verdict compaction(int nid, int order, boolean manual) {
        var r = new Requests.CompactionRequest(nid, order, manual);
        long before = calls(nid);
        Verdict v = design.compaction(r, at(nid, Site.COMPACTION));
        return record(Site.COMPACTION, nid, before, v, MAINLINE.compaction(r, noDriver), v.allowed());
    }

    /** May compaction's free scanner take private node {@code nid}'s free pages as targets (arrivals on the node)? */
    public Verdict compactionTargets(int nid, int order, boolean manual) {
        var r = new Requests.CompactionRequest(nid, order, manual);
        long before = calls(nid);
        Verdict v = design.compactionTargets(r, at(nid, Site.COMPACTION));
        return record(Site.COMPACTION, nid, before, v, MAINLINE.compactionTargets(r, noDriver), v.allowed());
    }

    // ---- notifications: Site.FOLIO_SPLIT, MEMORY_FAILURE, TEARDOWN ----

    /**
     * A large folio of a private node was split into order-0 folios at {@code heads}
     * ({@code original} describes it before the split).
     */
    public void folioSplit(FolioRef original, long[] heads) {
        int nid = original.nid();
        if (!isPrivate(nid)) {
            return;
        }
        long before = calls(nid);
        boolean notify = design.notifiesSplit();
        if (notify) {
            DriverAccessImpl a = at(nid, Site.FOLIO_SPLIT);
            for (long h : heads) {
                a.folioSplit(original, folioRef(h));
            }
            a.folioSplit(original, null);
        }
        record(Site.FOLIO_SPLIT, nid, before, notify, MAINLINE.notifiesSplit(), true);
    }

    /** After the page is marked poisoned, before it is unmapped (RFC patch 21). */
    public void memoryFailure(long head, long pfn) {
        int nid = memmap.nid(head);
        if (!isPrivate(nid)) {
            return;
        }
        long before = calls(nid);
        boolean notify = design.notifiesMemoryFailure();
        if (notify) {
            at(nid, Site.MEMORY_FAILURE).memoryFailure(new Requests.MemoryFailureEvent(folioRef(head), pfn));
        }
        record(Site.MEMORY_FAILURE, nid, before, notify, MAINLINE.notifiesMemoryFailure(), true);
    }

    public void teardown(int nid, long start, long end, long pages) {
        if (!isPrivate(nid)) {
            return;
        }
        long before = calls(nid);
        boolean notify = design.notifiesTeardown();
        if (notify) {
            at(nid, Site.TEARDOWN).teardown(new Requests.TeardownEvent(current, start, end, pages));
        }
        record(Site.TEARDOWN, nid, before, notify, MAINLINE.notifiesTeardown(), true);
    }

    /** The errno a denial carries, or the given default. */
    public static Errno errnoOf(Verdict v, Errno dflt) {
        return v instanceof Verdict.Deny d && d.errno() != null ? d.errno() : dflt;
    }
}
