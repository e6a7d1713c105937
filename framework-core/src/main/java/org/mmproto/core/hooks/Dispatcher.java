package org.mmproto.core.hooks;

import java.util.Map;
import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.Requests;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.PrivateNodeCheckpoint;

/**
 * The one door every mm call site that can touch a private node goes through. It asks the
 * run's {@link Design} what to do, hands the design a contained {@link DriverAccessImpl} for the
 * node's driver, and counts every decision and consultation per site and hook. Ordinary nodes
 * never reach it.
 */
public final class Dispatcher implements PrivateNodeCheckpoint, PageAllocator.FreeGate {
    private final PhysicalMemory mem;
    private final Design design;
    private final DriverAccessImpl[] access;
    private final boolean[] isPrivate;
    private final HookStats stats;
    private final Containment containment;
    private Memmap memmap;
    /** The task the engine is acting for (set around faults and syscalls); KERNEL otherwise. */
    private TaskRef current = TaskRef.KERNEL;
    private final PrivacyLedger ledger = new PrivacyLedger();
    private int privateScope;
    private int migrationTarget;
    private int pendingLeak = -1;

    public Dispatcher(PhysicalMemory mem, Design design, Map<Integer, BoundDriver> drivers, Containment containment,
                      HookStats stats) {
        this.mem = mem;
        this.design = design;
        this.stats = stats;
        this.containment = containment;
        int n = mem.nodeCount();
        this.access = new DriverAccessImpl[n];
        this.isPrivate = new boolean[n];
        for (int nid = 0; nid < n; nid++) {
            isPrivate[nid] = mem.node(nid).isPrivate();
            access[nid] = new DriverAccessImpl(nid, drivers.get(nid), containment, stats);
        }
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

    public TaskRef current() {
        return current;
    }

    /**
     * Enters or leaves the private fault path (a user fault under a policy that names a private
     * node); nests.
     */
    public void privateScope(boolean enter) {
        privateScope += enter ? 1 : -1;
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

    // ---- Site.PAGE_ALLOC ----

    @Override
    public boolean allowAlloc(int nid, int zoneIdx, int gfp, int order, int preferredNid) {
        long vetoBefore = stats.hookCalls(Site.PAGE_ALLOC, org.mmproto.api.driver.Hook.ALLOC_VETO);
        Verdict v = design.alloc(new Requests.AllocRequest(nid, order, Gfp.of(gfp), Site.PAGE_ALLOC, preferredNid, current,
                        privateScope > 0),
                access[nid].at(Site.PAGE_ALLOC));
        stats.decided(Site.PAGE_ALLOC, v.allowed());
        boolean consented = stats.hookCalls(Site.PAGE_ALLOC, org.mmproto.api.driver.Hook.ALLOC_VETO) > vetoBefore;
        pendingLeak = v.allowed() && !consented && isKernelIntrusion(gfp) ? nid : -1;
        return v.allowed();
    }

    /**
     * A kernel allocation: not a user fault in the private path, not a migration target the
     * design let through, not made for a task, and without __GFP_PRIVATE.
     */
    private boolean isKernelIntrusion(int gfp) {
        return (gfp & Gfp.Bits.PRIVATE) == 0 && privateScope == 0 && migrationTarget == 0 && current == TaskRef.KERNEL;
    }

    /** Called by the allocator once the folio exists, to attribute a pending leak to it. */
    @Override
    public void allocated(long pfn, int nid) {
        if (pendingLeak == nid) {
            ledger.leak(nid, pfn, "kernel allocation landed on the private node without __GFP_PRIVATE or driver consent");
        }
        pendingLeak = -1;
    }

    /** Marks a migration-target allocation in progress (it is the migration's business, not a leak). */
    public void migrationTarget(boolean enter) {
        migrationTarget += enter ? 1 : -1;
    }

    /** The mask a user allocation aimed at a private node is made with, per the design. */
    public int userAllocationGfp(int gfp, Site site, int nid) {
        if (!isPrivate(nid)) {
            return gfp;
        }
        return design.userAllocationGfp(Gfp.of(gfp), site, access[nid].at(site)).bits();
    }

    // ---- Site.FREE ----

    @Override
    public boolean keep(long pfn, int order, int nid, FreePath path) {
        if (!isPrivate[nid]) {
            return false;
        }
        long before = stats.hookCalls(Site.FREE, org.mmproto.api.driver.Hook.FREE_FOLIO);
        FreeAction a = design.free(new Requests.FreeEvent(folioRef(pfn), path), access[nid].at(Site.FREE));
        stats.decided(Site.FREE, true);
        if (a == FreeAction.KEEP) {
            stats.touch(Site.FREE);
        }
        boolean delivered = stats.hookCalls(Site.FREE, org.mmproto.api.driver.Hook.FREE_FOLIO) > before
                && access[nid].present();
        if (!delivered && design.notifiesFree(path)) {
            ledger.unnotifiedFree(nid, pfn, "freed by " + path.kernelName() + " without free_folio");
        }
        if (a != FreeAction.KEEP) {
            ledger.freed(pfn);
        }
        return a == FreeAction.KEEP;
    }

    // ---- Site.SET_MEMPOLICY, Site.MBIND, and node validation of the migration syscalls ----

    public Verdict policyTarget(int nid, Site site) {
        Verdict v = design.policyTarget(site, current, access[nid].at(site));
        stats.decided(site, v.allowed());
        return v;
    }

    // ---- Site.MIGRATE_SOURCE / MIGRATE_TARGET ----

    /** May this folio leave its private node? */
    public Verdict migrateOff(long pfn, int to, MigrateReason reason) {
        int from = memmap.nid(pfn);
        Verdict v = design.migrate(new Requests.MigrationRequest(folioRef(pfn), from, to, reason, current), false,
                access[from].at(Site.MIGRATE_SOURCE));
        stats.decided(Site.MIGRATE_SOURCE, v.allowed());
        if (v.allowed() && !access[from].declared().has(org.mmproto.api.driver.NpOps.NP_OPS_MIGRATION)
                && !access[from].declared().has(org.mmproto.api.driver.NpOps.NP_OPS_MEMPOLICY)) {
            ledger.escape(from, pfn, "moved off by " + reason.traceName() + " although the driver did not opt into migration");
        }
        return v;
    }

    /** Would the design let this folio leave its private node? (a query: no ledger entry) */
    public boolean mayLeave(long pfn) {
        int from = memmap.nid(pfn);
        Verdict v = design.migrate(new Requests.MigrationRequest(folioRef(pfn), from, -1, MigrateReason.MR_SYSCALL, current),
                false, access[from].at(Site.MIGRATE_SOURCE));
        stats.decided(Site.MIGRATE_SOURCE, v.allowed());
        return v.allowed();
    }

    /** A write reached a folio of a node that asked for write protection; was it routed to handle_fault? */
    public void writeAccess(long pfn, boolean viaHandleFault) {
        int nid = memmap.nid(pfn);
        if (isPrivate(nid) && !viaHandleFault && access[nid].declared().has(org.mmproto.api.driver.NpOps.NP_OPS_PROTECT_WRITE)) {
            ledger.unsafeWrite(nid, pfn, "write without handle_fault on a node that asked for NP_OPS_PROTECT_WRITE");
        }
    }

    /** May this folio arrive on private node {@code to}? ({@code to} may be a node the caller only intends.) */
    public Verdict migrateOnto(long pfn, int to, MigrateReason reason) {
        int from = memmap.nid(pfn);
        Verdict v = design.migrate(new Requests.MigrationRequest(folioRef(pfn), from, to, reason, current), true,
                access[to].at(Site.MIGRATE_TARGET));
        stats.decided(Site.MIGRATE_TARGET, v.allowed());
        return v;
    }

    /** Node-level check of a migration target (move_pages' node validation), before any folio is known. */
    public Verdict migrationTargetNode(int to) {
        Verdict v = design.migrate(new Requests.MigrationRequest(null, -1, to, MigrateReason.MR_SYSCALL, current), true,
                access[to].at(Site.MIGRATE_TARGET));
        stats.decided(Site.MIGRATE_TARGET, v.allowed());
        return v;
    }

    /** folio_migrate: the copy is done, the mapping not yet restored. */
    public void folioMigrated(long src, long dst) {
        if (!design.notifiesMigration()) {
            return;
        }
        int nid = memmap.nid(dst);
        int srcNid = memmap.nid(src);
        if (isPrivate(nid)) {
            access[nid].at(Site.MIGRATE_TARGET).folioMigrate(folioRef(src), folioRef(dst));
        }
        if (isPrivate(srcNid) && srcNid != nid) {
            access[srcNid].at(Site.MIGRATE_SOURCE).folioMigrate(folioRef(src), folioRef(dst));
        }
    }

    // ---- Site.GUP_LONGTERM ----

    public PinAction longtermPin(long pfn) {
        int nid = memmap.nid(pfn);
        PinAction a = design.longtermPin(new Requests.PinRequest(folioRef(pfn), current), access[nid].at(Site.GUP_LONGTERM));
        stats.decided(Site.GUP_LONGTERM, a != PinAction.REFUSE);
        if (a != org.mmproto.core.hooks.designs.Unpatched.mainlinePin(memmap.zone(pfn))) {
            stats.touch(Site.GUP_LONGTERM);
        }
        return a;
    }

    public boolean hasPrivateNodes() {
        for (boolean p : isPrivate) {
            if (p) {
                return true;
            }
        }
        return false;
    }

    // ---- Site.WRITE_FAULT ----

    /** Are user mappings of this private node's folios read-only under the design? */
    public boolean writeProtected(int nid) {
        if (!isPrivate(nid)) {
            return false;
        }
        boolean wp = design.writeProtected(access[nid].at(Site.WRITE_FAULT));
        stats.decided(Site.WRITE_FAULT, !wp);
        return wp;
    }

    public FaultAction writeFault(long pfn, long addr) {
        int nid = memmap.nid(pfn);
        FaultAction a = design.writeFault(new Requests.FaultRequest(folioRef(pfn), addr, current), access[nid].at(Site.WRITE_FAULT));
        stats.decided(Site.WRITE_FAULT, a == FaultAction.PROMOTE);
        return a;
    }

    // ---- Site.FOLIO_SPLIT ----

    /**
     * A large folio of a private node was split into order-0 folios at {@code heads}
     * ({@code original} describes it before the split).
     */
    public void folioSplit(FolioRef original, long[] heads) {
        if (!isPrivate(original.nid())) {
            return;
        }
        stats.decided(Site.FOLIO_SPLIT, true);
        if (!design.notifiesSplit()) {
            return;
        }
        stats.touch(Site.FOLIO_SPLIT);
        DriverAccessImpl a = access[original.nid()].at(Site.FOLIO_SPLIT);
        for (long h : heads) {
            a.folioSplit(original, folioRef(h));
        }
        a.folioSplit(original, null);
    }

    // ---- Site.MEMORY_FAILURE ----

    /** After the page is marked poisoned, before it is unmapped (RFC patch 21). */
    public void memoryFailure(long head, long pfn) {
        int nid = memmap.nid(head);
        if (!isPrivate(nid)) {
            return;
        }
        boolean notify = design.notifiesMemoryFailure();
        stats.decided(Site.MEMORY_FAILURE, true);
        if (notify) {
            stats.touch(Site.MEMORY_FAILURE);
            access[nid].at(Site.MEMORY_FAILURE).memoryFailure(new Requests.MemoryFailureEvent(folioRef(head), pfn));
        }
    }

    // ---- Site.TEARDOWN ----

    public void teardown(int nid, long start, long end, long pages) {
        if (!isPrivate(nid)) {
            return;
        }
        stats.decided(Site.TEARDOWN, true);
        if (design.notifiesTeardown()) {
            stats.touch(Site.TEARDOWN);
            access[nid].at(Site.TEARDOWN).teardown(new Requests.TeardownEvent(current, start, end, pages));
        }
    }

    /** The errno a denial carries, or the given default. */
    public static Errno errnoOf(Verdict v, Errno dflt) {
        return v instanceof Verdict.Deny d && d.errno() != null ? d.errno() : dflt;
    }
}
