package org.mmproto.core.policy;

import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.syscall.NumaSyscalls;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.ShmemFile;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * Shared set-up for the policy tests: nodes 0 and 1 are 64 MiB DRAM with cpus 0-1 and 2-3,
 * node 2 is a 64 MiB CPU-less CXL node onlined movable; THP is off unless a test turns it on.
 * Task "a" (uid 1000, no capabilities) runs on cpu 0 (node 0). After each test every task exits
 * and every page must be out of folios again, with the engine's invariants intact.
 */
abstract class PolicyTestBase {
    static final long PAGE = 4096;
    static final long MiB = TestMachines.MiB;
    /** What numactl passes: NUMA_NUM_NODES + 1. */
    static final long MAXNODE = 1025;
    static final Set<String> NICE = Set.of(Task.CAP_SYS_NICE);

    Kernel k;
    NumaSyscalls numa;
    MmOps ops;
    Task a;
    long bootUsed;

    MachineSpec machine() {
        return TestMachines.dramDramCxl(64 * MiB, 64 * MiB, false);
    }

    @BeforeEach
    void bootKernel() {
        k = Kernel.boot(machine(), new OpsStruct());
        k.setThp(TransparentHugepage.Mode.NEVER);
        numa = k.numa();
        ops = k.mmOps();
        a = k.spawn("a", 0, 0, 1000, Set.of());
        bootUsed = k.mem().pagesInFolios();
    }

    @AfterEach
    void everythingComesBack() {
        for (Task t : k.tasks()) {
            ops.exit(t);
        }
        assertThat(k.mem().pagesInFolios()).as("pages in folios after every task exited").isEqualTo(bootUsed);
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    static long err(Errno e) {
        return -e.code();
    }

    /** A status value: -errno as an int. */
    static int st(Errno e) {
        return -e.code();
    }

    static UserMask mask(int... nodes) {
        return UserMask.of(NodeMask.of(nodes));
    }

    long anon(Task t, long pages) {
        return ops.mmap(t, 0, pages * PAGE, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "anon");
    }

    long anonTouched(Task t, long pages) {
        long p = anon(t, pages);
        assertThat(ops.touch(t, p, pages * PAGE, true)).isZero();
        return p;
    }

    long shared(Task t, ShmemFile f, long pages, long offsetPages) {
        return ops.mmap(t, 0, pages * PAGE, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_SHARED, f,
                offsetPages * PAGE, "memfd");
    }

    static long[] pages(long base, int n) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = base + i * PAGE;
        }
        return p;
    }

    /** move_pages query mode on the task's own pages. */
    int[] nodesOf(Task t, long base, int n) {
        MovePagesResult r = numa.movePages(t, 0, pages(base, n), null, 0);
        assertThat(r.ret()).isZero();
        return r.status();
    }

    int nodeOf(Task t, long addr) {
        return nodesOf(t, addr, 1)[0];
    }

    /** The folio mapped at addr. */
    long folio(Task t, long addr) {
        return k.rmap().headOf(Pte.pfn(t.mm().find(addr).pte(addr)));
    }

    /** A FOLL_PIN reference, as a GUP user (io_uring fixed buffer, RDMA) would hold. */
    void pin(Task t, long addr) {
        k.memmap().addRefs(folio(t, addr), Memmap.GUP_PIN_COUNTING_BIAS);
    }

    void unpin(Task t, long addr) {
        k.memmap().addRefs(folio(t, addr), -Memmap.GUP_PIN_COUNTING_BIAS);
    }

    boolean mapsZeroPage(Task t, long addr) {
        return (t.mm().find(addr).pte(addr) & Pte.ZERO) != 0;
    }

    long vmstat(VmStat item) {
        return k.mem().vmstat(item);
    }

    MemPolicy vmaPolicy(Task t, long addr) {
        return VmaPolicy.at(t.mm().find(addr), addr);
    }

    /** get_mempolicy(&mode, NULL, 0, addr, MPOL_F_ADDR).mode */
    int policyModeAt(Task t, long addr) {
        GetMempolicyResult r = numa.getMempolicy(t, false, 0, addr, MemPolicy.MPOL_F_ADDR);
        assertThat(r.ret()).isZero();
        return r.mode();
    }

    /** A task bound to nid that faults pages in until the node refuses (its min watermark). */
    Task fill(int nid) {
        int cpu = k.mem().node(nid).cpus().isEmpty() ? 0 : k.mem().node(nid).cpus().get(0);
        Task hog = k.spawn("hog" + nid, 0, cpu, 0, Set.of());
        assertThat(numa.setMempolicy(hog, MemPolicy.MPOL_BIND, mask(nid), MAXNODE)).isZero();
        long n = k.mem().node(nid).freePages() + 1;
        long p = anon(hog, n);
        long i = 0;
        while (i < n && ops.touch(hog, p + i * PAGE, PAGE, true) == 0) {
            i++;
        }
        assertThat(i).as("the node filled up before the mapping did").isLessThan(n);
        return hog;
    }
}
