package org.mmproto.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;

/**
 * A fixture for engine tests: DRAM, DRAM and a movable CXL node (64 MiB each) under unpatched,
 * THP off, one task; after each test the task exits and nothing may be left behind (the pages in
 * folios are back to their boot count, DebugVm finds nothing).
 */
public abstract class OneTaskKernel {
    protected static final long MiB = TestMachines.MiB;

    protected Kernel k;
    protected MmOps ops;
    protected Task a;
    protected long bootUsed;

    @BeforeEach
    void bootOneTaskKernel() {
        k = Kernel.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, false), new Unpatched());
        k.setThp(TransparentHugepage.Mode.NEVER);
        ops = k.mmOps();
        a = k.spawn("a", 0, 0, 1000, Set.of());
        bootUsed = k.mem().pagesInFolios();
    }

    @AfterEach
    void nothingLeaks() {
        ops.exit(a);
        assertThat(k.mem().pagesInFolios()).isEqualTo(bootUsed);
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }
}
