package org.mmproto.core.kernel;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.mmproto.api.NodeMask;
import org.mmproto.api.design.CpusetMems;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.core.compaction.Compaction;
import org.mmproto.core.compaction.Kcompactd;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.hooks.BoundDriver;
import org.mmproto.core.hooks.Containment;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.hooks.DriverBinder;
import org.mmproto.core.hooks.DriverSpec;
import org.mmproto.core.hooks.HookStats;
import org.mmproto.core.hooks.KernelDriverContext;
import org.mmproto.core.hooks.NodeServices;
import org.mmproto.core.hooks.OwnerAllocations;
import org.mmproto.core.hotplug.DeviceMmap;
import org.mmproto.core.hotplug.Hotplug;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.mm.MemoryOnline;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.migrate.WriteFaultPromotion;
import org.mmproto.core.mm.FolioRelease;
import org.mmproto.core.mm.Lru;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.NoReclaim;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.PrivateNodeCheckpoint;
import org.mmproto.core.mm.SwapSpace;
import org.mmproto.core.policy.InterleaveWeights;
import org.mmproto.core.policy.PolicyAlloc;
import org.mmproto.core.policy.PolicyServices;
import org.mmproto.core.syscall.NumaSyscalls;
import org.mmproto.core.task.FaultHandler;
import org.mmproto.core.task.Ksm;
import org.mmproto.core.task.MemoryFailure;
import org.mmproto.core.task.MmCore;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Overcommit;
import org.mmproto.core.task.PageTablePages;
import org.mmproto.core.task.Rmap;
import org.mmproto.core.task.ShmemFile;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Tasks;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.reclaim.Reclaim;
import org.mmproto.core.thp.Collapser;
import org.mmproto.core.thp.DeferredSplitShrinker;
import org.mmproto.core.thp.Khugepaged;
import org.mmproto.core.thp.MadviseCollapse;
import org.mmproto.core.tier.Tiering;
import org.mmproto.core.trace.Tracer;

/**
 * The composition root: boots one simulated kernel (the physical memory, its page allocator, the
 * dispatcher with the design and the bound drivers) and wires the subsystems, each handed the
 * narrow services it uses ({@link MmCore}, {@link Tasks}, {@link Rmap}, {@link PolicyServices}),
 * never the kernel. Built per run; nothing here is static.
 */
public final class Kernel {
    private final MmCore core;
    private final Tasks tasks;
    private final Rmap rmap;
    private final TransparentHugepage thp = new TransparentHugepage();
    /** Null for kernels booted with a bare checkpoint (allocator tests): nothing reclaims there. */
    private final Reclaim reclaim;
    private final Overcommit overcommit;
    private final Migration migration;
    private final PolicyServices policy;
    private final FaultHandler faults;
    private final MmOps mmOps;
    private final NumaSyscalls numa;
    private final Gup gup;
    private final Compaction compaction;
    private Kcompactd kcompactd;
    private final MemoryFailure memoryFailure;
    /** Null for kernels booted with a bare checkpoint, as reclaim. */
    private Tiering tiering;
    private final Map<Integer, BoundDriver> drivers = new HashMap<>();
    private final PageTablePages pageTables;
    private final Ksm ksm;
    private final Khugepaged khugepaged;
    /** Null for kernels booted with a bare checkpoint (no dispatcher). */
    private Hotplug hotplug;
    private DeviceMmap deviceMmap;

    private Kernel(PhysicalMemory mem, PageAllocator alloc, FolioRelease folioRelease, Dispatcher dispatcher,
                   Reclaim reclaim) {
        this.core = MmCore.boot(mem, alloc, folioRelease, dispatcher);
        this.reclaim = reclaim;
        this.overcommit = new Overcommit(mem.spec().vm(), mem, core.swap());
        this.pageTables = new PageTablePages(this::allocPageTable, alloc, core.memmap(), mem);
        this.tasks = new Tasks(mem, dispatcher, pageTables);
        this.rmap = new Rmap(core.memmap(), tasks);
        core.shrinkers().register(new DeferredSplitShrinker(core, rmap));
        this.migration = new Migration(core, rmap);
        this.compaction = new Compaction(core, migration);
        alloc.attachCompaction(compaction);
        this.policy = new PolicyServices(core, tasks, rmap, migration);
        this.faults = new FaultHandler(core, rmap, thp, PolicyAlloc.port(policy),
                new WriteFaultPromotion(migration, alloc));
        this.mmOps = new MmOps(core, tasks, rmap, overcommit, faults);
        this.numa = new NumaSyscalls(policy, faults);
        this.gup = new Gup(core, faults, mmOps, migration);
        this.memoryFailure = new MemoryFailure(core, rmap);
        this.ksm = new Ksm(tasks, rmap, core.memmap());
        Collapser collapser = new Collapser(core, rmap, faults);
        this.khugepaged = new Khugepaged(tasks, thp, collapser);
        mmOps.attachCollapse(new MadviseCollapse(collapser));
    }

    /** khugepaged (its sysfs tunables and counters); MADV_COLLAPSE shares its collapser. */
    public Khugepaged khugepaged() {
        return khugepaged;
    }

    /** Memory hotplug of the nodes the machine declares {@code online: none}; null without a dispatcher. */
    public Hotplug hotplug() {
        return hotplug;
    }

    /** mmap of a private node's device file; null without a dispatcher. */
    public DeviceMmap deviceMmap() {
        return deviceMmap;
    }

    /** ksmd and the mergeable VMAs. */
    public Ksm ksm() {
        return ksm;
    }

    /** pagetable_alloc on behalf of {@code t}: alloc_pages under the task policy (PolicyAlloc.allocPages). */
    private long allocPageTable(Task t, int gfp, int order) {
        return PolicyAlloc.allocPages(policy, t, gfp, order);
    }

    /** Boots with {@code design} and no drivers bound (driver calls inline, no budget). */
    public static Kernel boot(MachineSpec spec, Design design) {
        return boot(spec, design, List.of(), Duration.ZERO);
    }

    /**
     * Boots the machine with a design and drivers bound to its private nodes; every private-node
     * call site goes through one {@link Dispatcher}. {@code budget} bounds each driver call
     * (zero = run inline, no timeout).
     */
    public static Kernel boot(MachineSpec spec, Design design, List<DriverSpec> drivers,
                              Duration budget) {
        return boot(spec, design, drivers, budget, c -> { });
    }

    /**
     * As above; {@code constructing} is told the node's context while a driver is created for it
     * (the run's injector hands it to a constructor that injects DriverContext), null after.
     * Drivers bind after the engine booted, so their context works in bind().
     */
    public static Kernel boot(MachineSpec spec, Design design, List<DriverSpec> drivers,
                              Duration budget,
                              Consumer<DriverContext> constructing) {
        return boot(spec, design, drivers, budget, constructing, Tracer.OFF, FaultInjector.OFF);
    }

    /**
     * As above, with the run's tracepoints and fault injection: both are in place before the
     * allocator exists, so every event from boot on is traced and every fail point armed.
     */
    public static Kernel boot(MachineSpec spec, Design design, List<DriverSpec> drivers,
                              Duration budget,
                              Consumer<DriverContext> constructing, Tracer tracer, FaultInjector faults) {
        if (tracer == Tracer.OFF && faults.active()) { // the shared OFF keeps no state; the task filter needs it
            tracer = new Tracer(org.mmproto.core.trace.EventFilter.NONE, null);
        }
        // the design places the private nodes at boot (node states, zonelists, cpuset); drivers
        // bind after the engine booted, so their context works in bind()
        HookStats stats = new HookStats();
        Containment containment = new Containment(budget, stats);
        containment.attachTracer(tracer);
        boolean[] marked = new boolean[spec.nodeCount()];
        for (var ns : spec.nodes()) {
            marked[ns.nid()] = ns.isPrivate();
        }
        Dispatcher dispatcher = new Dispatcher(marked, design, containment, stats);
        dispatcher.attachTracer(tracer); // the boot-time decisions (node states, zonelists) are traced too
        PhysicalMemory mem = PhysicalMemory.boot(spec, dispatcher);
        mem.instrument(tracer, faults);
        dispatcher.decideCpusets();
        OwnerAllocations owner = new OwnerAllocations();
        // the reclaim subsystem: the allocator's seam, completed once the kernel exists
        Reclaim reclaim = new Reclaim(dispatcher);
        PageAllocator alloc = new PageAllocator(mem, owner, reclaim).enablePcp();
        FolioRelease folioRelease = new FolioRelease(alloc);
        folioRelease.setFreeGate(owner);
        Hotplug hotplug = new Hotplug(new MemoryOnline(mem, alloc, dispatcher), dispatcher);
        Map<Integer, BoundDriver> bound = DriverBinder.bind(spec, drivers, containment,
                new NodeServices(mem, alloc, folioRelease, owner, hotplug, dispatcher.deviceWork()), constructing);
        dispatcher.bindDrivers(bound);
        owner.attach(dispatcher);
        Kernel k = new Kernel(mem, alloc, folioRelease, dispatcher, reclaim);
        k.drivers.putAll(bound);
        dispatcher.attach(k.core.memmap());
        Tracer.Context acting = k.actingTask();
        tracer.attach(acting);
        tracer.attachClock(() -> reclaim.timeMs() * 1_000_000L); // the ticks' time: traces in simulated time
        faults.attach(tracer.current); // the kernel thread running, else the acting task
        k.hotplug = hotplug;
        hotplug.attach(k.tasks);
        k.deviceMmap = new DeviceMmap(k.mmOps, dispatcher);
        if (reclaim != null) {
            reclaim.attach(k.core, k.rmap);
            k.mmOps.attachFolioReclaim(reclaim::reclaimPages);
            // the tiers are established once the drivers bound (a private node joins as its design says)
            k.tiering = new Tiering(spec, k.core, k.tasks, k.rmap, k.migration, reclaim,
                nid -> k.driverContext(nid).map(KernelDriverContext::promotionRing).orElse(null));
            reclaim.attachDemotion(k.tiering.demotion());
            hotplug.register(new Hotplug.Notifier() { // the memory_tier hotplug callback
                @Override
                public void memoryOnline(int nid) {
                    k.tiering.tiers().memoryOnline(nid);
                }

                @Override
                public void memoryOffline(int nid) {
                    k.tiering.tiers().memoryOffline(nid);
                }
            });
            bound.forEach((nid, b) -> b.context().onPressure(p -> reclaim.driverPressure(nid, p)));
            k.faults.attachNumaHints(k.tiering.hintFaults());
        }
        k.kcompactd = new Kcompactd(k.core, k.compaction, spec.vm().compactionProactiveness(),
                nid -> reclaim != null && reclaim.kswapdWoken(nid));
        if (reclaim != null) {
            reclaim.attachKcompactd(k.kcompactd);
        }
        return k;
    }

    /** The task the engine acts for, as tracepoints and fail points name it (comm, pid, its CPU). */
    private Tracer.Context actingTask() {
        Dispatcher d = core.dispatcher();
        return new Tracer.Context() {
            @Override
            public String comm() {
                return d.current().name();
            }

            @Override
            public int pid() {
                return d.current().pid();
            }

            @Override
            public int cpu() {
                Task t = tasks.task(d.current().pid());
                return t == null ? 0 : t.cpu();
            }
        };
    }

    /** The context of the driver bound to {@code nid}: what it reported (pressure, capacity, promotion requests). */
    public Optional<KernelDriverContext> driverContext(int nid) {
        return Optional.ofNullable(drivers.get(nid)).map(BoundDriver::context);
    }

    /** The driver bound to {@code nid}, if any. */
    public Optional<BoundDriver> boundDriver(int nid) {
        return Optional.ofNullable(drivers.get(nid));
    }

    /** Boots with a bare checkpoint in place of a design (allocator tests). */
    public static Kernel boot(MachineSpec spec, PrivateNodeCheckpoint checkpoint) {
        PhysicalMemory mem = PhysicalMemory.boot(spec);
        PageAllocator alloc = new PageAllocator(mem, checkpoint, new NoReclaim(mem.nodeCount())).enablePcp();
        Kernel k = new Kernel(mem, alloc, new FolioRelease(alloc), null, null);
        k.kcompactd = new Kcompactd(k.core, k.compaction, spec.vm().compactionProactiveness(), nid -> false);
        return k;
    }

    /** kcompactd of every node: proactive compaction and kswapd's wakeups, run by tick. */
    public Kcompactd kcompactd() {
        return kcompactd;
    }

    /** policy_zone: the highest zone type other than ZONE_MOVABLE that has memory on some node. */
    public int policyZone() {
        return policy.policyZone();
    }

    /** vm.overcommit_* and Committed_AS. */
    public Overcommit overcommit() {
        return overcommit;
    }

    /** The private-node dispatcher (null only for kernels booted with a bare checkpoint). */
    public Dispatcher dispatcher() {
        return core.dispatcher();
    }

    /** The memory services: physical memory, allocator, folio release, memmap, dispatcher, zero page. */
    public MmCore core() {
        return core;
    }

    public PhysicalMemory mem() {
        return core.mem();
    }

    public PageAllocator alloc() {
        return core.alloc();
    }

    /** folio_put and the rest of mm/swap.c: where last references go. */
    public FolioRelease folioRelease() {
        return core.folioRelease();
    }

    public Memmap memmap() {
        return core.memmap();
    }

    /** The nodes' LRU lists. */
    public Lru lru() {
        return core.lru();
    }

    /** The swap device (no swap until swapon). */
    public SwapSpace swap() {
        return core.swap();
    }

    /** Memory tiers, demotion and NUMA-balancing promotion; null for a kernel booted with a bare checkpoint. */
    public Tiering tiering() {
        return tiering;
    }

    /** kswapd, direct and proactive reclaim; null for a kernel booted with a bare checkpoint. */
    public Reclaim reclaim() {
        return reclaim;
    }

    public long zeroPfn() {
        return core.zeroPfn();
    }

    public TransparentHugepage.Mode thp() {
        return thp.mode();
    }

    public void setThp(TransparentHugepage.Mode mode) {
        thp.set(mode);
    }

    public FaultHandler faults() {
        return faults;
    }

    public MmOps mmOps() {
        return mmOps;
    }

    public Migration migration() {
        return migration;
    }

    /** compact_node and direct compaction. */
    public Compaction compaction() {
        return compaction;
    }

    /** get_user_pages and its longterm pins. */
    public Gup gup() {
        return gup;
    }

    /** memory_failure() on an allocated folio. */
    public MemoryFailure memoryFailure() {
        return memoryFailure;
    }

    /** Folio heads and the reverse map. */
    public Rmap rmap() {
        return rmap;
    }

    /** The task list, pids, memfds and the CPU-to-node map. */
    public Tasks taskList() {
        return tasks;
    }

    /** What mempolicy placement and the NUMA syscalls use. */
    public PolicyServices policyServices() {
        return policy;
    }

    /** /sys/kernel/mm/mempolicy/weighted_interleave: the weighted-interleave weights. */
    public InterleaveWeights interleaveWeights() {
        return policy.interleaveWeights();
    }

    /** The NUMA memory-policy and migration system calls. */
    public NumaSyscalls numa() {
        return numa;
    }

    /** The default cpuset of a new task: N_MEMORY and the private nodes the design keeps there. */
    public NodeMask memoryNodes() {
        return tasks.memoryNodes();
    }

    /** The design's boot-time cpuset answer for a private node; null for ordinary nodes or no design. */
    public CpusetMems cpusetMems(int nid) {
        return tasks.cpusetMems(nid);
    }

    /** N_MEMORY as a mask. */
    public NodeMask nMemory() {
        return tasks.nMemory();
    }

    /** The node of a CPU. */
    public int cpuToNode(int cpu) {
        return tasks.cpuToNode(cpu);
    }

    /** Creates a task running on {@code cpu}; pid 0 = next free pid. */
    public Task spawn(String name, int pid, int cpu, int uid, Set<String> caps) {
        return tasks.spawn(name, pid, cpu, uid, caps);
    }

    /** The task with this pid, or null (ESRCH). Exited tasks stay listed as zombies without an mm. */
    public Task task(int pid) {
        return tasks.task(pid);
    }

    public Collection<Task> tasks() {
        return tasks.tasks();
    }

    public List<ShmemFile> memfds() {
        return tasks.memfds();
    }
}
