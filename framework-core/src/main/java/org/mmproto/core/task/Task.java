package org.mmproto.core.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.TaskRef;

/** {@code struct task_struct}, the parts mm cares about. */
public final class Task {
    public static final String CAP_SYS_NICE = "CAP_SYS_NICE";

    final int pid;
    final String name;
    int cpu;
    int nid;
    int uid;
    Set<String> caps;
    /** Task policy; null = default (local allocation). */
    MemPolicy policy;
    /** Interleave state (task->il_prev, il_weight). */
    public int ilPrev = -1;
    public int ilWeight;
    /** cpuset.mems of the task. */
    NodeMask memsAllowed;
    Mm mm;
    /** What drivers see of this task; rebuilt when the credentials change. */
    private TaskRef ref;
    /** Open memfds: the descriptors hold a reference on the file. */
    final List<ShmemFile> fds = new ArrayList<>();

    /** N_MEMORY of the machine, to tell whether the cpuset restricts anything. */
    private NodeMask allMemory;
    private boolean memsCoverAll;
    /** Private nodes cpusets neither grant nor deny (v5): in mems_allowed whatever the cpuset says. */
    private final NodeMask cpusetExempt;

    Task(int pid, String name, int cpu, int nid, int uid, Set<String> caps, NodeMask memsAllowed, NodeMask allMemory,
         NodeMask cpusetExempt) {
        this.allMemory = allMemory;
        this.cpusetExempt = cpusetExempt;
        this.pid = pid;
        this.name = name;
        this.cpu = cpu;
        this.nid = nid;
        this.uid = uid;
        this.caps = Set.copyOf(caps);
        setMemsAllowed(memsAllowed);
        this.mm = new Mm();
        this.ref = new TaskRef(pid, name, uid);
    }

    public TaskRef ref() {
        return ref;
    }

    public int pid() {
        return pid;
    }

    public String name() {
        return name;
    }

    public int cpu() {
        return cpu;
    }

    /** numa_node_id(): the node of the CPU the task runs on. */
    public int nid() {
        return nid;
    }

    public int uid() {
        return uid;
    }

    public Set<String> caps() {
        return caps;
    }

    public boolean capable(String cap) {
        return caps.contains(cap);
    }

    public void setCredentials(int uid, Set<String> caps) {
        this.uid = uid;
        this.caps = Set.copyOf(caps);
        this.ref = new TaskRef(pid, name, uid);
    }

    public MemPolicy policy() {
        return policy;
    }

    public void setPolicy(MemPolicy p) {
        this.policy = p;
    }

    public NodeMask memsAllowed() {
        return memsAllowed;
    }

    public void setMemsAllowed(NodeMask mems) {
        this.memsAllowed = mems.or(cpusetExempt);
        this.memsCoverAll = allMemory.isSubsetOf(mems);
    }

    /** Whether the cpuset allows every node with memory (then it never restricts an allocation). */
    /** N_MEMORY changed (memory hotplug): whether the cpuset restricts anything is judged anew. */
    void memoryChanged(NodeMask all) {
        this.allMemory = all;
        this.memsCoverAll = all.isSubsetOf(memsAllowed);
    }

    /** cpuset.mems without the nodes the design exempts from cpusets. */
    NodeMask memsWithoutExempt() {
        return memsAllowed.andNot(cpusetExempt);
    }

    public boolean memsCoverAllMemory() {
        return memsCoverAll;
    }

    /** The address space, or null after exit. */
    public Mm mm() {
        return mm;
    }

    public boolean exited() {
        return mm == null;
    }

    @Override
    public String toString() {
        return name + "[" + pid + "]";
    }
}
