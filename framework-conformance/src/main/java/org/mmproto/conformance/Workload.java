package org.mmproto.conformance;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.hooks.Containment;
import org.mmproto.core.hooks.KernelDriverContext;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;

/**
 * The seeded workload that reaches the rules' sites on the private node: kernel allocations
 * naming it (__GFP_THISNODE), mbind'ed faults (anonymous and shared memfd), move_pages off it and of anonymous and shared
 * memfd pages onto it, longterm pins, fork
 * and the child's death, MADV_DONTNEED, munmap, and the task's exit, after which everything it
 * had is freed. The seed picks sizes, orders and which pages move; the same seed is the same
 * run. After every step the checks that need the engine's state at that point run.
 */
final class Workload {
    static final String NAME = "seeded-workload";
    private static final long PAGE = 4096;
    private static final long MAXNODE = 64;
    private static final int ROUNDS = 3;

    /** What the capability rule (R6.2) needs to know of a run. */
    static final class Facts {
        boolean mbindAccepted;
        boolean mbindRefused;
        long pagesLandedByPolicy;
        long capacityAtBind;
        int pressureAtBind;
        /** The longterm-pin step of each round (R4.3): the folio before, what was pinned, the errno. */
        final java.util.List<PinFact> pins = new java.util.ArrayList<>();
    }

    /** One FOLL_LONGTERM pin of a page of the node: head pfn before, pinned head (-1: refused), errno, the folio after. */
    record PinFact(int step, long before, boolean beforeOnNode, long pinned, boolean pinnedOnNode, int err, long after) { }

    private final Kernel k;
    private final int p;
    private final Random rnd;
    private final RunTrace trace;
    private final KernelDriverContext ctx;
    /** A run with injected faults (R6.3): containments are judged by FaultChecks, the mm invariants are checked. */
    private final boolean faulted;
    final Facts facts = new Facts();
    private int incidentsSeen;

    Workload(Kernel k, int privateNid, long seed, RunTrace trace, boolean faulted) {
        this.k = k;
        this.p = privateNid;
        this.rnd = new Random(seed);
        this.trace = trace;
        this.faulted = faulted;
        this.ctx = k.driverContext(privateNid).orElseThrow();
        k.setThp(TransparentHugepage.Mode.NEVER);
    }

    void run() {
        facts.capacityAtBind = ctx.reportedCapacity();
        facts.pressureAtBind = ctx.reportedPressure();
        MmOps ops = k.mmOps();
        step("spawn");
        Task a = k.spawn("conform", 0, 0, 1000, Set.of());
        after();
        for (int round = 0; round < ROUNDS; round++) {
            step("kernel-alloc");
            List<long[]> kernelPages = new ArrayList<>();
            for (int i = 1 + rnd.nextInt(4); i > 0; i--) {
                int order = rnd.nextInt(3);
                long pfn = k.alloc().allocPages(Gfp.GFP_KERNEL.bits() | Gfp.Bits.THISNODE, order, p, null, 0);
                if (pfn >= 0) {
                    kernelPages.add(new long[] {pfn, order});
                }
            }
            after();

            step("mbind-fault");
            long len = (8 + rnd.nextInt(24)) * PAGE;
            long bound = anon(ops, a, len);
            long r = k.numa().mbind(a, bound, len, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(p)), MAXNODE, 0);
            ops.touch(a, bound, len, true);
            if (r == 0) {
                facts.mbindAccepted = true;
                facts.pagesLandedByPolicy += pagesOn(ops, a, bound, len);
            } else {
                facts.mbindRefused = true;
            }
            // a shared memfd range too (its page cache): a node may take only those (virtio queues);
            // a page of either range on the node is a landing by policy (R6.2)
            long sharedBound = ops.mmap(a, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_SHARED,
                    ops.memfdCreate(a, "conform-memfd-bound", len), 0, "conform-memfd-bound");
            long rs = k.numa().mbind(a, sharedBound, len, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(p)), MAXNODE, 0);
            ops.touch(a, sharedBound, len, true);
            if (rs == 0) {
                facts.mbindAccepted = true;
                facts.pagesLandedByPolicy += pagesOn(ops, a, sharedBound, len);
            } else {
                facts.mbindRefused = true;
            }
            after();

            step("move-off");
            movePages(ops, a, bound, len, 0);
            after();

            step("move-onto");
            long plain = anon(ops, a, len);
            ops.touch(a, plain, len, true);
            movePages(ops, a, plain, len, p);
            // page cache too: a driver may take only shared memfd folios (virtio queues)
            long shared = ops.mmap(a, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_SHARED,
                    ops.memfdCreate(a, "conform-memfd", len), 0, "conform-memfd");
            ops.touch(a, shared, len, true);
            movePages(ops, a, shared, len, p);
            after();

            step("longterm-pin");
            long at = bound + (rnd.nextInt((int) (len / PAGE))) * PAGE;
            long before = folioOrNone(ops, a, at);
            boolean beforeOnNode = onNode(before);
            int[] pinErr = new int[1];
            long[] pinned = k.gup().pin(a, at, 1, Gup.FOLL_LONGTERM, pinErr);
            long head = pinned == null ? -1 : pinned[0];
            facts.pins.add(new PinFact(trace.steps.size() - 1, before, beforeOnNode, head, onNode(head), pinErr[0],
                    folioOrNone(ops, a, at)));
            if (pinned != null) {
                k.gup().unpin(pinned);
            }
            after();

            step("fork-child-exit");
            Task child = ops.fork(a, "conform-child", 0);
            if (child != null) {
                ops.touch(child, bound, len, true);
                ops.exit(child);
            }
            after();

            step("madvise-dontneed");
            ops.madvise(a, bound, len / 2 & -PAGE, MmOps.MADV_DONTNEED);
            after();

            step("munmap");
            ops.munmap(a, plain, len);
            ops.munmap(a, shared, len);
            ops.munmap(a, sharedBound, len);
            after();

            step("kernel-free");
            for (long[] kp : kernelPages) {
                k.alloc().freePages(kp[0], (int) kp[1]);
            }
            after();
        }
        step("exit");
        ops.exit(a);
        after();
        if (faulted) {
            DebugVm.check(k.mem()).forEach(v -> trace.find(Rules.FAULTS, "mm invariant broken after the exit: " + v));
            if (k.dispatcher().containment().incidents().stream().anyMatch(i -> i.kind().equals("timeout"))) {
                return; // quarantined (R3.4): told of no free since, it cannot be back at its baseline
            }
        }
        atBaseline();
    }

    private void step(String name) {
        trace.step(name);
    }

    private static long anon(MmOps ops, Task t, long len) {
        return ops.mmap(t, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0,
                "conform");
    }

    private static long folioOrNone(MmOps ops, Task t, long addr) {
        try {
            return ops.folioAt(t, addr);
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    /** Asked while the folio is allocated (a migrated-off folio is freed by the pin). */
    private boolean onNode(long pfn) {
        return pfn >= 0 && pfn != k.zeroPfn() && k.memmap().nid(pfn) == p;
    }

    private long pagesOn(MmOps ops, Task t, long addr, long len) {
        long n = 0;
        for (long a = addr; a < addr + len; a += PAGE) {
            long pfn = ops.folioAt(t, a);
            if (pfn >= 0 && pfn != k.zeroPfn() && k.memmap().nid(pfn) == p) {
                n++;
            }
        }
        return n;
    }

    /** move_pages of a random half of the range's pages to {@code to}. */
    private void movePages(MmOps ops, Task t, long addr, long len, int to) {
        List<Long> pages = new ArrayList<>();
        for (long a = addr; a < addr + len; a += PAGE) {
            if (rnd.nextBoolean()) {
                pages.add(a);
            }
        }
        long[] addrs = pages.stream().mapToLong(Long::longValue).toArray();
        int[] nodes = new int[addrs.length];
        java.util.Arrays.fill(nodes, to);
        k.numa().movePages(t, 0, addrs, nodes, MemPolicy.MPOL_MF_MOVE);
    }

    /**
     * The checks at the end of every step; they read what the engine recorded, never through the
     * driver's context (which a quarantined driver's context refuses: R2.4).
     */
    private void after() {
        List<Containment.Incident> incidents = k.dispatcher().containment().incidents();
        if (faulted) {
            // the private node's zones after every step (all of memory once, after the exit)
            for (Zone z : k.mem().node(p).zones()) {
                DebugVm.check(k.mem(), z).forEach(v -> trace.find(Rules.FAULTS, "mm invariant broken: " + v));
            }
            incidents = List.of();
        }
        for (Containment.Incident i : incidents.subList(incidentsSeen, incidents.size())) {
            Rule r = switch (i.kind()) {
                case "null" -> Rules.NO_NULL;
                case "timeout", "quarantined" -> Rules.BUDGET;
                default -> Rules.NO_THROW;
            };
            trace.find(r, i.hook().kernelName() + " at " + i.site() + ": " + i.kind() + " (" + i.detail() + ")");
        }
        incidentsSeen = incidents.size();
        long cap = ctx.reportedCapacity();
        if (cap > k.mem().node(p).managedPages()) {
            trace.find(Rules.CAPACITY, "reported capacity " + cap + " pages, outside 0.." + k.mem().node(p).managedPages()
                    + " (the node's managed pages)");
        }
        checkRefusals();
    }

    /** R4.4: a folio whose move the driver's filter refused in this step is where and as it was. */
    private void checkRefusals() {
        Memmap mm = k.memmap();
        for (RunTrace.StepCall c : trace.calls) {
            if (c.step() != trace.currentStep() || c.call().contained() || c.call().hook() != Hook.MIGRATION_FILTER
                    || !(c.call().answer() instanceof Verdict v) || v.allowed()
                    || !(c.call().request() instanceof MigrationRequest m)) {
                continue;
            }
            var f = m.folio();
            if (!mm.isFolioHead(f.pfn()) || mm.nid(f.pfn()) != f.nid() || mm.order(f.pfn()) != f.order()
                    || mm.mapcount(f.pfn()) != f.mapcount()) {
                trace.find(Rules.FILTER_REFUSAL, "the filter refused to move the folio at pfn 0x" + Long.toHexString(f.pfn())
                        + " (order " + f.order() + ", node " + f.nid() + ", mapcount " + f.mapcount()
                        + ") but it is now " + (mm.isFolioHead(f.pfn()) ? "order " + mm.order(f.pfn()) + " on node "
                        + mm.nid(f.pfn()) + ", mapcount " + mm.mapcount(f.pfn()) : "no folio head"));
            }
        }
    }

    /**
     * After the exit: every folio the driver kept released, and, where the design tells the
     * driver of frees, its reports back where they were at bind (without free notifications a
     * driver cannot know its pages came back: design-matrix case 10).
     */
    private void atBaseline() {
        if (k.folioRelease().keptFolios(p) != 0) {
            trace.find(Rules.FREE_BALANCE, k.folioRelease().keptFolios(p) + " folio(s) the driver kept (free_folio KEEP) were never "
                    + "released after every task exited");
        }
        var design = k.dispatcher().design();
        if (java.util.Arrays.stream(org.mmproto.api.FreePath.values()).noneMatch(design::notifiesFree)) {
            return;
        }
        if (ctx.reportedCapacity() != facts.capacityAtBind) {
            String ignored = ignoredFreePath(trace);
            String off = "reported capacity " + ctx.reportedCapacity() + " pages " + OFF_BASELINE + ", "
                    + facts.capacityAtBind + " at bind";
            if (ignored != null) {
                trace.find(Rules.FREE_BALANCE, off + ": " + ignored);
            } else {
                trace.find(Rules.CAPACITY, off);
            }
        }
        if (ctx.reportedPressure() != facts.pressureAtBind) {
            trace.find(Rules.CAPACITY, "reported pressure " + ctx.reportedPressure() + " " + OFF_BASELINE + ", "
                    + facts.pressureAtBind + " at bind");
        }
    }

    /** How a finding of a report not back at its bind-time value says so. */
    static final String OFF_BASELINE = "after everything was freed";

    /** Whether {@code f} found a report not back at its bind-time value (R1.6, or R4.2 for an ignored free path). */
    static boolean offBaseline(RunTrace.Finding f) {
        return (f.rule() == Rules.CAPACITY || f.rule() == Rules.FREE_BALANCE) && f.detail().contains(OFF_BASELINE);
    }

    /**
     * Why a capacity report is off its baseline when the driver's books ignore one free path, or
     * null: the report moved in some free_folio calls of one path (the driver books frees), and in
     * none of the free_folio calls on another path of folios it booked, those whose arrival
     * (folio_migrate onto the node) moved the report. Calls delivered only, none contained. A
     * driver that books arrivals gives them back on every path it is told of (R4.2).
     */
    static String ignoredFreePath(RunTrace t) {
        Map<org.mmproto.api.FreePath, Long> movedAny = new EnumMap<>(org.mmproto.api.FreePath.class);
        Map<org.mmproto.api.FreePath, long[]> bookedFrees = new EnumMap<>(org.mmproto.api.FreePath.class); // {calls, moved}
        java.util.Set<Long> booked = new java.util.HashSet<>();
        long before = t.capacityAtStart;
        for (RunTrace.StepCall c : t.calls) {
            boolean moved = c.capacity() != before;
            before = c.capacity();
            if (c.call().contained()) {
                continue;
            }
            if (c.call().hook() == Hook.FOLIO_MIGRATE && c.call().request() instanceof List<?> pair && pair.size() == 2
                    && pair.get(1) instanceof org.mmproto.api.driver.FolioRef dst && dst.nid() == c.call().nid() && moved) {
                booked.add(dst.pfn());
            } else if (c.call().hook() == Hook.FREE_FOLIO && c.call().request() instanceof org.mmproto.api.driver.Requests.FreeEvent e) {
                if (moved) {
                    movedAny.merge(e.path(), 1L, Long::sum);
                }
                if (booked.remove(e.folio().pfn())) {
                    long[] n = bookedFrees.computeIfAbsent(e.path(), x -> new long[2]);
                    n[0]++;
                    n[1] += moved ? 1 : 0;
                }
            }
        }
        var given = movedAny.entrySet().stream().findFirst();
        var ignored = bookedFrees.entrySet().stream().filter(x -> x.getValue()[1] == 0 && !movedAny.containsKey(x.getKey()))
                .findFirst();
        if (given.isEmpty() || ignored.isEmpty()) {
            return null;
        }
        return "the report moved in " + given.get().getValue() + " free_folio call(s) of " + given.get().getKey().kernelName()
                + " and in none of the " + ignored.get().getValue()[0] + " of " + ignored.get().getKey().kernelName()
                + " freeing folios it booked on arrival (folio_migrate): the driver's books ignore that path's free_folio";
    }

    static boolean accepted(Object answer) {
        return answer instanceof Verdict v ? v.allowed() : answer instanceof MigrateTo m && m.accept();
    }
}
