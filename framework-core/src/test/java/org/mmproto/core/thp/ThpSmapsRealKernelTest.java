package org.mmproto.core.thp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.ProcFs;
import org.mmproto.core.policy.NumaMaps;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;

/**
 * The THP mapping in /proc/PID/smaps and numa_maps as a real 6.12 kernel shows it:
 * {@code ../shared/tools/realkernel/run.sh -a numa_balancing=disable
 * src/test/resources/realkernel/thp_smaps_numa_maps.c} (Debian 6.12.107+deb12-amd64 under TCG,
 * default 3-node topology, 6 Dec 2026). Each case is a 2 MiB aligned 2 MiB VMA with unmapped holes
 * around it, THP {@code always}. The real task ran on node 1's CPU (N1=); here it runs on node 0.
 */
class ThpSmapsRealKernelTest {
    private static final long MiB = 1L << 20;
    private Kernel k;
    private Task a;
    private MmOps ops;

    @BeforeEach
    void boot() {
        k = Kernel.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, false), new Unpatched());
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        a = k.spawn("a", 0, 0, 1000, Set.of());
        ops = k.mmOps();
    }

    /** aligned(): 8 MiB mapped, all but a 2 MiB aligned 2 MiB piece unmapped again. */
    private long aligned() {
        long p = ops.mmap(a, 0, 8 * MiB, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "r");
        long t = ((p + 2 * MiB - 1) & ~(2 * MiB - 1)) + 2 * MiB;
        assertThat(ops.munmap(a, p, t - p)).isZero();
        assertThat(ops.munmap(a, t + 2 * MiB, p + 8 * MiB - (t + 2 * MiB))).isZero();
        return t;
    }

    /** The smaps block of the VMA starting at {@code start}: its lines after the header. */
    private String smaps(long start) {
        String all = Smaps.render(k.memmap(), k.policyServices().rmap(), a);
        String header = String.format("%08x-", start);
        int i = all.indexOf(header);
        assertThat(i).as("a VMA at %x in%n%s", start, all).isNotNegative();
        int body = all.indexOf('\n', i) + 1;
        int end = body;
        for (String line : all.substring(body).split("\n", -1)) {
            if (line.matches("[0-9a-f]+-[0-9a-f]+")) {
                break;
            }
            end += line.length() + 1;
        }
        return all.substring(body, Math.min(end, all.length()));
    }

    private String numaMaps(long start) {
        String prefix = String.format("%08x ", start);
        return Arrays.stream(NumaMaps.render(k.policyServices(), a).split("\n")).filter(l -> l.startsWith(prefix))
                .findFirst().orElseThrow().substring(prefix.length());
    }

    private String meminfoAnonHuge() {
        return Arrays.stream(ProcFs.meminfo(k.mem(), k.core().swap(), 0, 0).split("\n"))
                .filter(l -> l.startsWith("AnonHugePages:")).findFirst().orElseThrow();
    }

    // thp   Size: 2048 kB  Rss: 2048 kB  Pss: 2048 kB  Anonymous: 2048 kB  AnonHugePages: 2048 kB
    // thp numa_maps +0 default anon=512 dirty=512 active=0 N1=512 kernelpagesize_kB=4
    // thp meminfo AnonHugePages:      2048 kB
    // split   Size: 2044 kB  Rss: 2044 kB  Pss: 2044 kB  Anonymous: 2044 kB  AnonHugePages: 0 kB
    // split numa_maps +0 default anon=511 dirty=511 active=0 N1=511 kernelpagesize_kB=4
    // split meminfo AnonHugePages:         0 kB
    @Test
    void one_byte_written_maps_a_thp_by_its_pmd_until_a_partial_munmap_splits_it() {
        long t = aligned();
        assertThat(ops.touch(a, t, 1, true)).isZero();
        assertThat(smaps(t)).contains(
                "Size:               2048 kB\n",
                "KernelPageSize:        4 kB\n",
                "MMUPageSize:           4 kB\n",
                "Rss:                2048 kB\n",
                "Pss:                2048 kB\n",
                "Anonymous:          2048 kB\n",
                "AnonHugePages:      2048 kB\n");
        assertThat(numaMaps(t)).isEqualTo("default anon=512 dirty=512 active=0 N0=512 kernelpagesize_kB=4");
        assertThat(meminfoAnonHuge()).isEqualTo("AnonHugePages:      2048 kB");

        assertThat(ops.munmap(a, t + 2 * MiB - 4096, 4096)).isZero();
        assertThat(smaps(t)).contains(
                "Size:               2044 kB\n",
                "Rss:                2044 kB\n",
                "Pss:                2044 kB\n",
                "Anonymous:          2044 kB\n",
                "AnonHugePages:         0 kB\n");
        assertThat(numaMaps(t)).isEqualTo("default anon=511 dirty=511 active=0 N0=511 kernelpagesize_kB=4");
        assertThat(meminfoAnonHuge()).isEqualTo("AnonHugePages:         0 kB");
    }

    // small   Size: 2048 kB  Rss: 64 kB  Pss: 64 kB  Anonymous: 64 kB  AnonHugePages: 0 kB
    // small numa_maps +0 default anon=16 dirty=16 N1=16 kernelpagesize_kB=4
    @Test
    void sixteen_small_pages_in_a_nohugepage_vma_are_no_anon_huge_pages() {
        long s = aligned();
        assertThat(ops.madvise(a, s, 2 * MiB, MmOps.MADV_NOHUGEPAGE)).isZero();
        assertThat(ops.touch(a, s, 16 * 4096, true)).isZero();
        assertThat(smaps(s)).contains(
                "Size:               2048 kB\n",
                "Rss:                  64 kB\n",
                "Pss:                  64 kB\n",
                "Anonymous:            64 kB\n",
                "AnonHugePages:         0 kB\n");
        // the real kernel prints no active= here (fresh small folios still sit in the per-CPU LRU
        // batch with PG_active, so active == pages); the engine's numa_maps prints active=0 for
        // every folio, so only the rest of the line is compared
        assertThat(numaMaps(s)).startsWith("default anon=16 dirty=16 ").endsWith(" N0=16 kernelpagesize_kB=4");
    }

    // read   Size: 2048 kB  Rss: 0 kB  Pss: 0 kB  Anonymous: 0 kB  AnonHugePages: 0 kB
    // read numa_maps +0 default
    @Test
    void a_read_fault_maps_the_zero_page_which_smaps_and_numa_maps_do_not_count() {
        long r = aligned();
        assertThat(ops.touch(a, r, 1, false)).isZero();
        assertThat(smaps(r)).contains(
                "Size:               2048 kB\n",
                "Rss:                   0 kB\n",
                "Pss:                   0 kB\n",
                "Anonymous:             0 kB\n",
                "AnonHugePages:         0 kB\n");
        assertThat(numaMaps(r)).isEqualTo("default");
    }
}
