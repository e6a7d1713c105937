package org.mmproto.core.task;

import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.testkit.TestMachines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;


/**
 * The errnos of mmap/munmap for lengths and addresses at the edges of the 64-bit and 47-bit
 * ranges, each as Linux 6.12 returns them (the source line is cited per case).
 */
class MmapErrnoTest {
    private static final int RW = MmOps.PROT_READ | MmOps.PROT_WRITE;
    private static final int ANON = MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS;
    private Kernel k;
    private Task a;
    private MmOps ops;

    @BeforeEach
    void boot() {
        k = Kernel.boot(TestMachines.single(64 * MiB), new OpsStruct());
        a = k.spawn("a", 0, 0, 1000, Set.of());
        ops = k.mmOps();
    }

    private long mmap(long addr, long len, int flags) {
        return ops.mmap(a, addr, len, RW, flags, null, 0, null);
    }

    private static long err(Errno e) {
        return -e.code();
    }

    @Test
    void zero_length_is_einval() {
        // mm/mmap.c do_mmap: if (!len) return -EINVAL
        assertThat(mmap(0, 0, ANON)).isEqualTo(err(Errno.EINVAL));
    }

    @Test
    void a_length_whose_page_alignment_wraps_is_enomem() {
        // do_mmap: len = PAGE_ALIGN(len); if (!len) return -ENOMEM  (SIZE_MAX, SIZE_MAX-4094)
        assertThat(mmap(0, -1L, ANON)).isEqualTo(err(Errno.ENOMEM));
        assertThat(mmap(0, -4095L, ANON)).isEqualTo(err(Errno.ENOMEM));
    }

    @Test
    void a_length_above_task_size_is_enomem_also_when_negative_as_a_signed_number() {
        // __get_unmapped_area: if (len > TASK_SIZE) return -ENOMEM ("Careful about overflows")
        assertThat(mmap(0, -4096L, ANON)).isEqualTo(err(Errno.ENOMEM)); // 0xfffffffffffff000
        assertThat(mmap(0, Long.MIN_VALUE, ANON)).isEqualTo(err(Errno.ENOMEM));
        assertThat(mmap(0, Mm.TASK_SIZE + 4096, ANON)).isEqualTo(err(Errno.ENOMEM));
    }

    @Test
    void a_fixed_address_whose_end_passes_task_size_is_enomem() {
        // __get_unmapped_area: if (addr > TASK_SIZE - len) return -ENOMEM (x86-64 TASK_SIZE = 0x7ffffffff000)
        int fixed = ANON | MmOps.MAP_FIXED;
        assertThat(mmap(Mm.TASK_SIZE, 4096, fixed)).isEqualTo(err(Errno.ENOMEM));
        assertThat(mmap(Mm.TASK_SIZE - 4096, 8192, fixed)).isEqualTo(err(Errno.ENOMEM));
        assertThat(mmap(1L << 47, 4096, fixed)).isEqualTo(err(Errno.ENOMEM));
        assertThat(mmap(0xffff800000000000L, 4096, fixed)).isEqualTo(err(Errno.ENOMEM)); // kernel half
        assertThat(mmap(Mm.TASK_SIZE - 4096, 4096, fixed)).isEqualTo(Mm.TASK_SIZE - 4096); // the last page is fine
    }

    @Test
    void a_fixed_unaligned_address_is_einval_and_one_below_mmap_min_addr_eperm() {
        int fixed = ANON | MmOps.MAP_FIXED;
        // __get_unmapped_area: if (offset_in_page(addr)) return -EINVAL
        assertThat(mmap(0x10000001L, 4096, fixed)).isEqualTo(err(Errno.EINVAL));
        // __get_unmapped_area -> security_mmap_addr -> cap_mmap_addr: addr < dac_mmap_min_addr is -EPERM
        assertThat(mmap(0, 4096, fixed)).isEqualTo(err(Errno.EPERM));
        assertThat(mmap(MmOps.MMAP_MIN_ADDR, 4096, fixed)).isEqualTo(MmOps.MMAP_MIN_ADDR);
    }

    @Test
    void a_hint_beyond_task_size_is_ignored_without_map_fixed() {
        // arch_get_unmapped_area_topdown: an invalid hint is not an error, the search runs instead
        long r = mmap(1L << 50, 4096, ANON);
        assertThat(r).isPositive().isLessThan(Mm.TASK_SIZE);
    }

    @Test
    void the_mapping_type_is_checked_after_the_length_and_address() {
        // do_mmap: switch (flags & MAP_TYPE) ... default: return -EINVAL comes after __get_unmapped_area
        assertThat(mmap(0, 4096, MmOps.MAP_ANONYMOUS)).isEqualTo(err(Errno.EINVAL));
        assertThat(mmap(0, -4096L, MmOps.MAP_ANONYMOUS)).isEqualTo(err(Errno.ENOMEM));
        // MAP_SHARED_VALIDATE (MAP_SHARED|MAP_PRIVATE) of anonymous memory: the anon switch has no such case
        assertThat(mmap(0, 4096, MmOps.MAP_ANONYMOUS | MmOps.MAP_SHARED | MmOps.MAP_PRIVATE)).isEqualTo(err(Errno.EINVAL));
        // arch/x86/kernel/sys_x86_64.c sys_mmap: if (off & ~PAGE_MASK) return -EINVAL, before everything
        assertThat(ops.mmap(a, 0, -1L, RW, ANON, null, 1, null)).isEqualTo(err(Errno.EINVAL));
    }

    @Test
    void munmap_rejects_wrapping_and_out_of_range_lengths_with_einval_and_changes_nothing() {
        long buf = mmap(0, 8192, ANON);
        // mm/vma.c do_vmi_munmap: start > TASK_SIZE || len > TASK_SIZE - start -> -EINVAL; end == start -> -EINVAL
        assertThat(ops.munmap(a, buf, -4096L)).isEqualTo((int) err(Errno.EINVAL));
        assertThat(ops.munmap(a, buf, 0)).isEqualTo((int) err(Errno.EINVAL));
        assertThat(ops.munmap(a, Mm.TASK_SIZE + 4096, 4096)).isEqualTo((int) err(Errno.EINVAL));
        assertThat(ops.munmap(a, buf, Mm.TASK_SIZE)).isEqualTo((int) err(Errno.EINVAL));
        assertThat(a.mm().find(buf)).isNotNull();
        // the kernel rounds len up: -4095 wraps past TASK_SIZE, so it is refused by the first check too
        assertThat(ops.munmap(a, buf, -4095L)).isEqualTo((int) err(Errno.EINVAL));
    }

    @Test
    void madvise_and_touch_refuse_negative_lengths_instead_of_doing_nothing() {
        long buf = mmap(0, 8192, ANON);
        // mm/madvise.c do_madvise: len = PAGE_ALIGN(len_in); end = start + len; if (end < start) return -EINVAL
        assertThat(ops.madvise(a, buf, -4096L, MmOps.MADV_DONTNEED)).isEqualTo((int) err(Errno.EINVAL));
        assertThat(ops.touch(a, buf, -1, true)).isEqualTo((int) err(Errno.EINVAL));
        assertThat(ops.touch(a, -4096L, 8192, true)).isEqualTo((int) err(Errno.EINVAL)); // wraps
    }
}
