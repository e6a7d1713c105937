package org.mmproto.core.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.api.design.CpusetMems;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.core.hooks.BoundDriver;
import org.mmproto.core.hooks.Containment;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.hooks.DriverBinder;
import org.mmproto.core.hooks.DriverSpec;
import org.mmproto.core.hooks.HookStats;
import org.mmproto.core.hooks.KernelDriverContext;
import org.mmproto.core.hooks.NodeServices;
import org.mmproto.core.hooks.OwnerAllocations;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.mm.FolioRelease;
import org.mmproto.core.mm.Lru;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.NoReclaim;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.PrivateNodeCheckpoint;
import org.mmproto.core.mm.SwapSpace;
import org.mmproto.core.policy.InterleaveWeights;
import org.mmproto.core.policy.NumaSyscalls;
import org.mmproto.core.policy.PolicyAlloc;
import org.mmproto.core.reclaim.Reclaim;

/**
 * One simulated kernel: the booted physical memory, its page allocator, the tasks and memfds,
 * and the subsystems that act on them. Built per run; nothing here is static.
 */
public final class Kernel {
    /** /sys/kernel/mm/transparent_hugepage/enabled. */
    public enum ThpMode { ALWAYS, MADVISE, NEVER }

    private final PhysicalMemory mem;
    private final PageAllocator alloc;
    private final FolioRelease folioRelease;
    private final Memmap memmap;
    private final Lru lru;
    private final SwapSpace swap = new SwapSpace();
    /** Null for kernels booted with a bare checkpoint (allocator tests): nothing reclaims there. */
    private final Reclaim reclaim;
    private final long zeroPfn;
    private final TreeMap<Integer, Task> tasks = new TreeMap<>();
    private final List<ShmemFile> memfds = new ArrayList<>();
    private int nextPid = 100;
    private ThpMode thp = ThpMode.ALWAYS;
    private final FaultHandler faults;
    private final Overcommit overcommit;
    private final Zap zap;
    private final MmOps mmOps;
    private final Migration migration;
    private final int[] cpuToNode;
    private final Dispatcher dispatcher;
    private final Map<Integer, BoundDriver> drivers = new HashMap<>();
    private int policyZone = -1;
    private final InterleaveWeights interleaveWeights;
    private final NumaSyscalls numa;

    private Kernel(PhysicalMemory mem, PageAllocator alloc, FolioRelease folioRelease, Dispatcher dispatcher,
                   Reclaim reclaim) {
        this.mem = mem;
        this.alloc = alloc;
        this.folioRelease = folioRelease;
        this.dispatcher = dispatcher;
        this.reclaim = reclaim;
        this.memmap = new Memmap(mem);
        this.lru = new Lru(mem);
        folioRelease.setLru(lru);
        this.zeroPfn = allocZeroPage();
        this.overcommit = new Overcommit(mem.spec().vm(), mem, swap);
        this.zap = new Zap(this);
        this.faults = new FaultHandler(this, PolicyAlloc.port(this));
        this.mmOps = new MmOps(this);
        this.migration = new Migration(this);
        this.interleaveWeights = new InterleaveWeights(mem.nodeCount());
        this.numa = new NumaSyscalls(this);
        int maxCpu = -1;
        for (Node n : mem.nodes()) {
            for (int c : n.cpus()) {
                maxCpu = Math.max(maxCpu, c);
            }
        }
        cpuToNode = new int[maxCpu + 1];
        for (Node n : mem.nodes()) {
            for (int c : n.cpus()) {
                cpuToNode[c] = n.nid();
            }
        }
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
        // the design places the private nodes at boot (node states, zonelists, cpuset); drivers
        // bind after the engine booted, so their context works in bind()
        HookStats stats = new HookStats();
        Containment containment = new Containment(budget, stats);
        boolean[] marked = new boolean[spec.nodeCount()];
        for (var ns : spec.nodes()) {
            marked[ns.nid()] = ns.isPrivate();
        }
        Dispatcher dispatcher = new Dispatcher(marked, design, containment, stats);
        PhysicalMemory mem = PhysicalMemory.boot(spec, dispatcher);
        dispatcher.decideCpusets();
        OwnerAllocations owner = new OwnerAllocations();
        // the reclaim subsystem: the allocator's seam, completed once the kernel exists
        Reclaim reclaim = new Reclaim(dispatcher);
        PageAllocator alloc = new PageAllocator(mem, owner, reclaim).enablePcp();
        FolioRelease folioRelease = new FolioRelease(alloc);
        folioRelease.setFreeGate(owner);
        Map<Integer, BoundDriver> bound = DriverBinder.bind(spec, drivers, containment,
                new NodeServices(mem, alloc, folioRelease, owner), constructing);
        dispatcher.bindDrivers(bound);
        owner.attach(dispatcher);
        Kernel k = new Kernel(mem, alloc, folioRelease, dispatcher, reclaim);
        k.drivers.putAll(bound);
        dispatcher.attach(k.memmap);
        reclaim.attach(k);
        return k;
    }

    /** The context of the driver bound to {@code nid}: what it reported (pressure, capacity, promotion requests). */
    public Optional<KernelDriverContext> driverContext(int nid) {
        return Optional.ofNullable(drivers.get(nid)).map(BoundDriver::context);
    }

    /** Boots with a bare checkpoint in place of a design (allocator tests). */
    public static Kernel boot(MachineSpec spec, PrivateNodeCheckpoint checkpoint) {
        PhysicalMemory mem = PhysicalMemory.boot(spec);
        PageAllocator alloc = new PageAllocator(mem, checkpoint, new NoReclaim(mem.nodeCount())).enablePcp();
        return new Kernel(mem, alloc, new FolioRelease(alloc), null, null);
    }

    /** policy_zone: the highest zone type other than ZONE_MOVABLE that has memory on some node. */
    public int policyZone() {
        if (policyZone < 0) {
            policyZone = PolicyAlloc.computePolicyZone(this);
        }
        return policyZone;
    }

    /** vm.overcommit_* and Committed_AS. */
    public Overcommit overcommit() {
        return overcommit;
    }

    /** The private-node dispatcher (null only for kernels booted with a bare checkpoint). */
    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** The shared zero page: one reserved page of the first node with normal memory, never freed. */
    private long allocZeroPage() {
        for (Node n : mem.nodes()) {
            if (n.inNNormalMemory()) {
                long pfn = alloc.allocPages(Gfp.GFP_KERNEL.bits(), 0, n.nid(), null, n.nid());
                if (pfn >= 0) {
                    memmap.setFlags(pfn, Memmap.PG_ZERO_PAGE);
                    return pfn;
                }
            }
        }
        throw new IllegalStateException("no node with normal memory for the zero page");
    }

    public PhysicalMemory mem() {
        return mem;
    }

    public PageAllocator alloc() {
        return alloc;
    }

    /** folio_put and the rest of mm/swap.c: where last references go. */
    public FolioRelease folioRelease() {
        return folioRelease;
    }

    public Memmap memmap() {
        return memmap;
    }

    /** The nodes' LRU lists. */
    public Lru lru() {
        return lru;
    }

    /** The swap device (no swap until swapon). */
    public SwapSpace swap() {
        return swap;
    }

    /** kswapd, direct and proactive reclaim; null for a kernel booted with a bare checkpoint. */
    public Reclaim reclaim() {
        return reclaim;
    }

    public long zeroPfn() {
        return zeroPfn;
    }

    public ThpMode thp() {
        return thp;
    }

    public void setThp(ThpMode mode) {
        this.thp = mode;
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

    /** /sys/kernel/mm/mempolicy/weighted_interleave: the weighted-interleave weights. */
    public InterleaveWeights interleaveWeights() {
        return interleaveWeights;
    }

    /** The NUMA memory-policy and migration system calls. */
    public NumaSyscalls numa() {
        return numa;
    }

    Zap zap() {
        return zap;
    }

    /**
     * The nodes a task's cpuset allows by default: N_MEMORY, plus each private node the design
     * keeps in mems_allowed (Site.CPUSET, decided at boot: mainline has it in N_MEMORY; RFC v4
     * patch 17 adds N_MEMORY_PRIVATE; v5 exempts it from cpusets altogether).
     */
    public NodeMask memoryNodes() {
        NodeMask m = NodeMask.NONE;
        for (Node n : mem.nodes()) {
            if (n.inNMemory() || n.inNMemoryPrivate() && cpusetMems(n.nid()) != null) {
                m = m.with(n.nid());
            }
        }
        return m;
    }

    /** The design's boot-time cpuset answer for a private node; null for ordinary nodes or no design. */
    public CpusetMems cpusetMems(int nid) {
        return dispatcher == null ? null : dispatcher.cpusetMems(nid);
    }

    /** The private nodes the design exempts from cpusets (v5). */
    NodeMask cpusetExemptNodes() {
        NodeMask m = NodeMask.NONE;
        for (Node n : mem.nodes()) {
            if (cpusetMems(n.nid()) == CpusetMems.EXEMPT) {
                m = m.with(n.nid());
            }
        }
        return m;
    }

    /** N_MEMORY as a mask. */
    public NodeMask nMemory() {
        NodeMask m = NodeMask.NONE;
        for (Node n : mem.nodes()) {
            if (n.inNMemory()) {
                m = m.with(n.nid());
            }
        }
        return m;
    }

    /** The node of a CPU. */
    public int cpuToNode(int cpu) {
        if (cpu < 0 || cpu >= cpuToNode.length) {
            throw new IllegalArgumentException("cpu " + cpu + " does not exist on this machine (cpus 0-"
                    + (cpuToNode.length - 1) + ")");
        }
        return cpuToNode[cpu];
    }

    /** Creates a task running on {@code cpu}; pid 0 = next free pid. */
    public Task spawn(String name, int pid, int cpu, int uid, Set<String> caps) {
        int p = pid > 0 ? pid : nextPid;
        if (tasks.containsKey(p)) {
            throw new IllegalArgumentException("pid " + p + " is already in use");
        }
        nextPid = Math.max(nextPid, p + 1);
        Task t = new Task(p, name, cpu, cpuToNode(cpu), uid, caps, memoryNodes(), nMemory(), cpusetExemptNodes());
        tasks.put(p, t);
        return t;
    }

    /** The task with this pid, or null (ESRCH). Exited tasks stay listed as zombies without an mm. */
    public Task task(int pid) {
        return tasks.get(pid);
    }

    public Collection<Task> tasks() {
        return List.copyOf(tasks.values());
    }

    int allocPid() {
        return nextPid++;
    }

    void addTask(Task t) {
        tasks.put(t.pid, t);
    }

    ShmemFile newMemfd(String name, long pages) {
        ShmemFile f = new ShmemFile(memfds.size(), name, pages);
        memfds.add(f);
        return f;
    }

    public List<ShmemFile> memfds() {
        return List.copyOf(memfds);
    }
}
