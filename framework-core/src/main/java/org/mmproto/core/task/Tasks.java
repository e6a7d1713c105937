package org.mmproto.core.task;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.mmproto.api.NodeMask;
import org.mmproto.api.design.CpusetMems;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PhysicalMemory;

/**
 * The task list and the memfds, pids, the CPU-to-node map and the default cpuset of new tasks:
 * what fork, exit, the rmap walk and the syscalls' pid lookup share.
 */
public final class Tasks {
    private final PhysicalMemory mem;
    private final Dispatcher dispatcher;
    private final PageTablePages pageTables;
    private final TreeMap<Integer, Task> tasks = new TreeMap<>();
    private final List<ShmemFile> memfds = new ArrayList<>();
    private final int[] cpuToNode;
    private int nextPid = 100;

    /** {@code dispatcher} is null only for kernels booted with a bare checkpoint. */
    public Tasks(PhysicalMemory mem, Dispatcher dispatcher, PageTablePages pageTables) {
        this.pageTables = pageTables;
        this.mem = mem;
        this.dispatcher = dispatcher;
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

    /**
     * cpuset_hotplug_update_tasks for the top cpuset: memory came or went ({@code before} the
     * default mems until now); a task whose mems are that default is in the top cpuset and
     * follows it (effective_mems = N_MEMORY and the design's private nodes), a task given mems of
     * its own keeps them.
     */
    public void memoryHotplugged(NodeMask before) {
        NodeMask now = memoryNodes();
        NodeMask all = nMemory();
        for (Task t : tasks.values()) {
            if (t.memsWithoutExempt().equals(before.andNot(cpusetExemptNodes()))) {
                t.setMemsAllowed(now);
            }
            t.memoryChanged(all);
        }
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
        pageTables.attach(t);
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

    /** A task that never came to be (a fork that failed after the child was made). */
    void forget(Task t) {
        tasks.remove(t.pid);
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
