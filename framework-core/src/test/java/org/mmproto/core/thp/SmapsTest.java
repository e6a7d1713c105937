package org.mmproto.core.thp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;

/** /proc/PID/smaps: Rss, Pss, Anonymous and AnonHugePages of a PMD-mapped THP, before and after a split. */
class SmapsTest {
    private static final long MiB = 1L << 20;
    private Kernel k;
    private Task a;
    private MmOps ops;

    @BeforeEach
    void boot() {
        k = Kernel.boot(TestMachines.single(64 * MiB), new Unpatched());
        a = k.spawn("a", 0, 0, 1000, Set.of());
        ops = k.mmOps();
    }

    String smaps() {
        return Smaps.render(k.memmap(), k.policyServices().rmap(), a);
    }

    long map(long len) {
        return ops.mmap(a, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "buf");
    }

    @Test
    void a_pmd_mapped_thp_is_anon_huge_pages_until_a_partial_unmap_splits_its_pmd() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        long addr = map(2 * MiB);
        assertThat(ops.touch(a, addr, 4096, true)).isZero();
        assertThat(smaps()).isEqualTo(String.format("%08x-%08x%n", addr, addr + 2 * MiB)
                + "Size:               2048 kB\n"
                + "KernelPageSize:        4 kB\n"
                + "MMUPageSize:           4 kB\n"
                + "Rss:                2048 kB\n"
                + "Pss:                2048 kB\n"
                + "Anonymous:          2048 kB\n"
                + "AnonHugePages:      2048 kB\n"
                + "Swap:                  0 kB\n");
        assertThat(ops.munmap(a, addr + 2 * MiB - 4096, 4096)).isZero();
        String after = smaps();
        assertThat(after).contains("Rss:                2044 kB\n", "Anonymous:          2044 kB\n",
                "AnonHugePages:         0 kB\n");
    }

    @Test
    void small_pages_are_no_anon_huge_pages() {
        k.setThp(TransparentHugepage.Mode.NEVER);
        long addr = map(2 * MiB);
        assertThat(ops.touch(a, addr, 16 * 4096, true)).isZero();
        assertThat(smaps()).contains("Rss:                  64 kB\n", "Pss:                  64 kB\n",
                "Anonymous:            64 kB\n", "AnonHugePages:         0 kB\n");
    }
}
