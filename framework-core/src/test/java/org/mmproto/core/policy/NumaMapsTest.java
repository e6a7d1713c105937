package org.mmproto.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.task.MemPolicy.MPOL_BIND;
import static org.mmproto.core.task.MemPolicy.MPOL_F_NUMA_BALANCING;
import static org.mmproto.core.task.MemPolicy.MPOL_F_RELATIVE_NODES;
import static org.mmproto.core.task.MemPolicy.MPOL_F_STATIC_NODES;
import static org.mmproto.core.task.MemPolicy.MPOL_INTERLEAVE;
import static org.mmproto.core.task.MemPolicy.MPOL_LOCAL;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED_MANY;
import static org.mmproto.core.task.MemPolicy.MPOL_WEIGHTED_INTERLEAVE;

import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.NodeMask;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.ShmemFile;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;

/** /proc/pid/numa_maps lines; expected formats checked on realkernel 6.12. */
class NumaMapsTest extends PolicyTestBase {
    private String line(Task t, long addr) {
        String prefix = String.format("%08x ", addr);
        return Arrays.stream(NumaMaps.render(k.policyServices(), t).split("\n")).filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + prefix + " in\n" + NumaMaps.render(k.policyServices(), t)));
    }

    // realkernel 6.12: "7fa92de3f000 prefer:1 anon=4 dirty=4 active=0 N1=4 kernelpagesize_kB=4"
    @Test
    void numa_maps_anon_line_with_a_VMA_policy() {
        long p = anon(a, 4);
        numa.mbind(a, p, 4 * PAGE, MPOL_PREFERRED, mask(1), MAXNODE, 0);
        ops.touch(a, p, 4 * PAGE, true);
        assertThat(line(a, p)).isEqualTo(String.format("%x prefer:1 anon=4 dirty=4 active=0 N1=4 kernelpagesize_kB=4", p));
    }

    // realkernel 6.12: a VMA without pages shows only the policy ("7f6e7f5b2000 interleave:0-2 file=...");
    // a VMA without its own policy shows the task's ("bind:1" on every other line)
    @Test
    void numa_maps_empty_VMA_and_the_task_policy() {
        long p = anon(a, 4);
        assertThat(line(a, p)).isEqualTo(String.format("%x default", p));
        numa.setMempolicy(a, MPOL_BIND, mask(1), MAXNODE);
        assertThat(line(a, p)).isEqualTo(String.format("%x bind:1", p));
        numa.mbind(a, p, 4 * PAGE, MPOL_INTERLEAVE, mask(0, 1, 2), MAXNODE, 0);
        assertThat(line(a, p)).isEqualTo(String.format("%x interleave:0-2", p));
    }

    // Zero-page mappings are not counted (vm_normal_page); realkernel 6.12 showed "anon=4" for a
    // merged VMA with 4 written and 2 zero-page pages.
    @Test
    void numa_maps_does_not_count_the_zero_page() {
        long p = anon(a, 4);
        ops.touch(a, p, 2 * PAGE, false);
        ops.touch(a, p + 2 * PAGE, PAGE, true);
        assertThat(line(a, p)).isEqualTo(String.format("%x default anon=1 dirty=1 active=0 N0=1 kernelpagesize_kB=4", p));
    }

    // realkernel 6.12: "interleave:0-2 file=/memfd:shm\040(deleted) dirty=9 active=0 N0=3 N1=3 N2=3 kernelpagesize_kB=4"
    @Test
    void numa_maps_memfd_line() {
        ShmemFile f = ops.memfdCreate(a, "shm", 9 * PAGE);
        long m = shared(a, f, 9, 0);
        numa.mbind(a, m, 9 * PAGE, MPOL_INTERLEAVE, mask(0, 1, 2), MAXNODE, 0);
        ops.touch(a, m, 9 * PAGE, true);
        assertThat(line(a, m)).isEqualTo(String.format(
                "%x interleave:0-2 file=/memfd:shm\\040(deleted) dirty=9 active=0 N0=3 N1=3 N2=3 kernelpagesize_kB=4", m));
    }

    // realkernel 6.12: "bind:2 file=/memfd:priv\040(deleted) mapped=4 active=0 N2=4 kernelpagesize_kB=4"
    // (clean page cache read through a shared mapping: mapped= since pages differ from anon and dirty)
    @Test
    void numa_maps_clean_file_pages_show_mapped() {
        ShmemFile f = ops.memfdCreate(a, "priv", 4 * PAGE);
        long m = shared(a, f, 4, 0);
        numa.mbind(a, m, 4 * PAGE, MPOL_BIND, mask(2), MAXNODE, 0);
        ops.touch(a, m, 4 * PAGE, false);
        assertThat(line(a, m)).isEqualTo(String.format(
                "%x bind:2 file=/memfd:priv\\040(deleted) mapped=4 active=0 N2=4 kernelpagesize_kB=4", m));
    }

    // realkernel 6.12: "interleave:0-2 file=/dev/zero\040(deleted) dirty=6 active=0 N0=2 N1=2 N2=2 kernelpagesize_kB=4"
    @Test
    void numa_maps_shared_anonymous_line() {
        long sa = ops.mmap(a, 0, 6 * PAGE, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_SHARED | MmOps.MAP_ANONYMOUS, null, 0, "sa");
        numa.mbind(a, sa, 6 * PAGE, MPOL_INTERLEAVE, mask(0, 1, 2), MAXNODE, 0);
        ops.touch(a, sa, 6 * PAGE, true);
        assertThat(line(a, sa)).isEqualTo(String.format(
                "%x interleave:0-2 file=/dev/zero\\040(deleted) dirty=6 active=0 N0=2 N1=2 N2=2 kernelpagesize_kB=4", sa));
    }

    // realkernel 6.12: "weighted interleave:0,2 anon=9 dirty=9 mapmax=2 active=0 N0=4 N2=5 kernelpagesize_kB=4"
    // after fork(): mapmax is the largest number of mappings of a page
    @Test
    void numa_maps_mapmax_after_fork() {
        long p = anon(a, 2);
        numa.mbind(a, p, 2 * PAGE, MPOL_WEIGHTED_INTERLEAVE, mask(0, 2), MAXNODE, 0);
        ops.touch(a, p, 2 * PAGE, true);
        Task child = ops.fork(a, "child", 0);
        String expected = String.format("%x weighted interleave:0,2 anon=2 dirty=2 mapmax=2 active=0 N0=1 N2=1 kernelpagesize_kB=4", p);
        assertThat(line(a, p)).isEqualTo(expected);
        assertThat(line(child, p)).isEqualTo(expected);
    }

    // Policy strings with flags, as realkernel 6.12 printed them.
    @Test
    void numa_maps_policy_strings() {
        long[] v = new long[7];
        for (int i = 0; i < v.length; i++) {
            v[i] = anon(a, 1);
        }
        numa.mbind(a, v[0], PAGE, MPOL_BIND | MPOL_F_STATIC_NODES, mask(0, 1), MAXNODE, 0);
        numa.mbind(a, v[1], PAGE, MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, mask(0, 2), MAXNODE, 0);
        numa.mbind(a, v[2], PAGE, MPOL_BIND | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING, mask(1), MAXNODE, 0);
        numa.mbind(a, v[3], PAGE, MPOL_PREFERRED_MANY | MPOL_F_NUMA_BALANCING, mask(1, 2), MAXNODE, 0);
        numa.mbind(a, v[4], PAGE, MPOL_LOCAL, UserMask.NULL, 0, 0);
        numa.mbind(a, v[5], PAGE, MPOL_PREFERRED, UserMask.NULL, 0, 0);
        numa.mbind(a, v[6], PAGE, MPOL_BIND | MPOL_F_NUMA_BALANCING, mask(0, 1), MAXNODE, 0);
        assertThat(line(a, v[0])).endsWith(" bind=static:0-1");
        assertThat(line(a, v[1])).endsWith(" interleave=relative:0,2");
        assertThat(line(a, v[2])).endsWith(" bind=relative|balancing:1");
        assertThat(line(a, v[3])).endsWith(" prefer (many)=balancing:1-2");
        assertThat(line(a, v[4])).endsWith(" local");
        assertThat(line(a, v[5])).endsWith(" local");
        assertThat(line(a, v[6])).endsWith(" bind=balancing:0-1");
    }

    @Test
    void mpol_to_str_of_the_default_policy_and_of_every_mode() {
        assertThat(MpolToStr.of(null)).isEqualTo("default");
        NodeMask m = NodeMask.of(0, 2, 3);
        assertThat(MpolToStr.of(new MemPolicy(MPOL_WEIGHTED_INTERLEAVE, 0, m, m, -1))).isEqualTo("weighted interleave:0,2-3");
        assertThat(MpolToStr.of(new MemPolicy(MPOL_PREFERRED, MPOL_F_STATIC_NODES, NodeMask.of(2), m, -1))).isEqualTo("prefer=static:2");
        assertThat(MpolToStr.of(new MemPolicy(MPOL_BIND, 0, m, m, 1))).as("home node not shown").isEqualTo("bind:0,2-3");
    }

    // A THP counts as 512 base pages; kernelpagesize_kB stays 4
    @Test
    void numa_maps_counts_a_THP_as_512_pages() {
        k.setThp(TransparentHugepage.Mode.ALWAYS);
        long p = anon(a, 512);
        ops.touch(a, p, PAGE, true);
        assertThat(k.memmap().order(folio(a, p))).isEqualTo(9);
        assertThat(line(a, p)).isEqualTo(String.format("%x default anon=512 dirty=512 active=0 N0=512 kernelpagesize_kB=4", p));
    }

    @Test
    void numa_maps_of_an_exited_task_is_empty_and_labels_are_not_printed() {
        Task b = k.spawn("b", 0, 0, 1000, Set.of());
        long p = anonTouched(b, 1);
        assertThat(NumaMaps.render(k.policyServices(), b)).doesNotContain("anon ").startsWith(String.format("%08x default anon=1", p));
        ops.exit(b);
        assertThat(NumaMaps.render(k.policyServices(), b)).isEmpty();
    }

    @Test
    void numa_maps_escapes_path_characters_like_seq_path() {
        assertThat(NumaMaps.escape("/memfd:a=b c\td\ne")).isEqualTo("/memfd:a\\075b\\040c\\011d\\012e");
    }
}
