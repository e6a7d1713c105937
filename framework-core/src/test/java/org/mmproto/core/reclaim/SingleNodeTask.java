package org.mmproto.core.reclaim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;

/** One task on an unpatched 64 MiB single-node machine with THP off: the setting of the LRU tests. */
abstract class SingleNodeTask {
    protected Kernel k;
    protected Task a;
    protected MmOps ops;

    @BeforeEach
    void boot() {
        k = Kernel.boot(TestMachines.single(64 * MiB), new Unpatched());
        k.setThp(TransparentHugepage.Mode.NEVER);
        a = k.spawn("a", 0, 0, 1000, Set.of());
        ops = k.mmOps();
    }

    protected long anon(long len) {
        long addr = ops.mmap(a, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "buf");
        assertThat(addr).isPositive();
        return addr;
    }

    protected long stat(VmStat s) {
        return k.mem().vmstat(s);
    }

    protected long pte(long addr) {
        return a.mm().find(addr).pte(addr);
    }
}
