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
    private int privateScope;

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
        Verdict v = design.alloc(new Requests.AllocRequest(nid, order, Gfp.of(gfp), Site.PAGE_ALLOC, preferredNid, current,
                        privateScope > 0),
                access[nid].at(Site.PAGE_ALLOC));
        stats.decided(Site.PAGE_ALLOC, v.allowed());
        return v.allowed();
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
        FreeAction a = design.free(new Requests.FreeEvent(folioRef(pfn), path), access[nid].at(Site.FREE));
        stats.decided(Site.FREE, a == FreeAction.RETURN_TO_BUDDY);
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
        return v;
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

    // ---- Site.TEARDOWN ----

    public void teardown(int nid, long start, long end, long pages) {
        if (!isPrivate(nid)) {
            return;
        }
        stats.decided(Site.TEARDOWN, true);
        access[nid].at(Site.TEARDOWN).teardown(new Requests.TeardownEvent(current, start, end, pages));
    }

    /** The errno a denial carries, or the given default. */
    public static Errno errnoOf(Verdict v, Errno dflt) {
        return v instanceof Verdict.Deny d && d.errno() != null ? d.errno() : dflt;
    }
}
