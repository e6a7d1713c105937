package org.mmproto.core.syscall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.syscall.MmapSyscalls.MREMAP_DONTUNMAP;
import static org.mmproto.core.syscall.MmapSyscalls.MREMAP_FIXED;
import static org.mmproto.core.syscall.MmapSyscalls.MREMAP_MAYMOVE;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;

/**
 * mremap, brk and MAP_FIXED_NOREPLACE answer as Debian's 6.12.107 did for the same calls
 * (src/test/resources/replay/realkernel/mremap_brk.c, run by /work/shared/tools/realkernel;
 * its output is mremap_brk.6.12.107.txt beside it). Each case names the line of that output.
 */
class MmapSyscallsTest {
    private static final long P = 4096;
    private static final int EINVAL = -22;
    private static final int EFAULT = -14;
    private static final int ENOMEM = -12;
    private static final int EEXIST = -17;
    private final Kernel k = Kernel.boot(MachineFiles.bundled("single"), BuiltInDesigns.all().get(0));
    private final MmOps ops = k.mmOps();
    private final MmapSyscalls sys = new MmapSyscalls(ops);
    private final Task t = k.spawn("a", 0, 0, 0, Set.of());

    private long anon(long hint, long len, int extra) {
        return ops.mmap(t, hint, len, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS
                | extra, null, 0, null);
    }

    /** The C program's fresh(): 4 pages mapped, 4 free after them, then a guard page. */
    private long fresh() {
        long a = anon(0, 16 * P, 0);
        ops.munmap(t, a + 4 * P, 12 * P);
        anon(a + 8 * P, P, MmOps.MAP_FIXED);
        return a;
    }

    private int vmas(long lo, long hi) {
        return t.mm().intersecting(lo, hi).size();
    }

    @Test
    void mremap_errnos_are_the_real_kernels() {
        long a = fresh();
        assertThat(sys.mremap(t, a, P, P, 8, 0)).as("bad_flags_8").isEqualTo(EINVAL);
        assertThat(sys.mremap(t, a, P, P, MREMAP_FIXED, a + 12 * P)).as("fixed_without_maymove").isEqualTo(EINVAL);
        assertThat(sys.mremap(t, a, P, P, MREMAP_DONTUNMAP, 0)).as("dontunmap_without_maymove").isEqualTo(EINVAL);
        assertThat(sys.mremap(t, a, P, 2 * P, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0)).as("dontunmap_len_differs")
                .isEqualTo(EINVAL);
        assertThat(sys.mremap(t, a, P, P - 100, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0))
                .as("dontunmap_len_differs_same_pages: 6.12 compares before aligning").isEqualTo(EINVAL);
        assertThat(sys.mremap(t, a + 1, P, 2 * P, MREMAP_MAYMOVE, 0)).as("unaligned_old").isEqualTo(EINVAL);
        assertThat(sys.mremap(t, a, P, 0, 0, 0)).as("new_len_0").isEqualTo(EINVAL);
        assertThat(sys.mremap(t, a + 5 * P, 2 * P, P, 0, 0)).as("unmapped_shrink").isEqualTo(EFAULT);
        assertThat(sys.mremap(t, a + 5 * P, P, 2 * P, MREMAP_MAYMOVE, 0)).as("unmapped_grow").isEqualTo(EFAULT);
        assertThat(sys.mremap(t, a + 5 * P, P, P, 0, 0)).as("unmapped_same").isEqualTo(EFAULT);
        assertThat(sys.mremap(t, a + 2 * P, 4 * P, 6 * P, MREMAP_MAYMOVE, 0)).as("old_past_vma_end_grow")
                .isEqualTo(EFAULT);
        assertThat(sys.mremap(t, a, 0, P, MREMAP_MAYMOVE, 0)).as("old_len_0_private").isEqualTo(EINVAL);
        assertThat(sys.mremap(t, a, 2 * P, 2 * P, MREMAP_FIXED | MREMAP_MAYMOVE, a + P)).as("fixed_overlap")
                .isEqualTo(EINVAL);
        assertThat(sys.mremap(t, a, P, P, MREMAP_FIXED | MREMAP_MAYMOVE, a + 20 * P + 1)).as("fixed_unaligned_new")
                .isEqualTo(EINVAL);
        assertThat(sys.mremap(t, a, 4 * P, 10 * P, 0, 0)).as("grow_blocked_no_maymove").isEqualTo(ENOMEM);
        assertThat(sys.mremap(t, a, 2 * P, 3 * P, 0, 0)).as("grow_middle_no_maymove").isEqualTo(ENOMEM);
        assertThat(vmas(a, a + 4 * P)).as("no failed call changed the mapping").isEqualTo(1);
    }

    @Test
    void mremap_grows_and_shrinks_one_vma_in_place() {
        long a = fresh();
        assertThat(sys.mremap(t, a, 4 * P, 8 * P, 0, 0)).as("grow_in_place").isEqualTo(a);
        assertThat(vmas(a, a + 8 * P)).isEqualTo(1);
        assertThat(t.mm().find(a).end()).isEqualTo(a + 8 * P);
        assertThat(sys.mremap(t, a, 8 * P, 3 * P, 0, 0)).as("shrink").isEqualTo(a);
        assertThat(vmas(a, a + 8 * P)).isEqualTo(1);
        long b = fresh();
        assertThat(sys.mremap(t, b + 2 * P, 4 * P, P, 0, 0)).as("old_past_vma_end_shrink_ok").isEqualTo(b + 2 * P);
        assertThat(vmas(b, b + 8 * P)).as("a_vmas_after").isEqualTo(1);
        long c = fresh();
        assertThat(sys.mremap(t, c, 4 * P, 6 * P, MREMAP_MAYMOVE, 0)).as("grow_maymove_room").isEqualTo(c);
    }

    @Test
    void a_moved_mapping_keeps_its_pages_and_dontunmap_leaves_the_old_range_empty() {
        long a = fresh();
        ops.touch(t, a, P, true);
        long pfn = ops.folioAt(t, a);
        long r = sys.mremap(t, a, 4 * P, 10 * P, MREMAP_MAYMOVE, 0);
        assertThat(r).as("grow_maymove_blocked = moved").isNotEqualTo(a).isPositive();
        assertThat(vmas(a, a + 4 * P)).as("old_vmas=0").isZero();
        assertThat(ops.folioAt(t, r)).as("new0=z: the same page, moved").isEqualTo(pfn);

        long d = anon(0, 2 * P, 0);
        ops.touch(t, d, 2 * P, true);
        long d0 = ops.folioAt(t, d);
        long n = sys.mremap(t, d, 2 * P, 2 * P, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0);
        assertThat(n).as("dontunmap moved=1").isNotEqualTo(d).isPositive();
        assertThat(ops.folioAt(t, n)).as("new=xy").isEqualTo(d0);
        assertThat(ops.folioAt(t, d)).as("old=0,0: nothing mapped until the next fault").isEqualTo(-1);
        assertThat(vmas(d, d + 2 * P)).as("old_vmas=1").isEqualTo(1);

        long s = anon(0, 2 * P, 0);
        long tgt = anon(0, 2 * P, 0);
        ops.touch(t, s, P, true);
        long s0 = ops.folioAt(t, s);
        assertThat(sys.mremap(t, s, 2 * P, 2 * P, MREMAP_FIXED | MREMAP_MAYMOVE, tgt)).as("fixed_onto_mapping")
                .isEqualTo(tgt);
        assertThat(ops.folioAt(t, tgt)).as("t0=q").isEqualTo(s0);
        assertThat(vmas(s, s + 2 * P)).as("src_vmas=0").isZero();
    }

    @Test
    void map_fixed_noreplace_refuses_an_overlap_with_eexist() {
        long x = anon(0, 8 * P, 0);
        ops.munmap(t, x + 4 * P, 4 * P);
        assertThat(ops.mmap(t, x + 2 * P, 4 * P, MmOps.PROT_READ, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS
                | MmOps.MAP_FIXED_NOREPLACE, null, 0, null)).as("noreplace_overlap").isEqualTo(EEXIST);
        assertThat(t.mm().find(x + 2 * P).end()).as("the old mapping is untouched").isEqualTo(x + 4 * P);
        assertThat(ops.mmap(t, x + 4 * P, P, MmOps.PROT_READ, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS
                | MmOps.MAP_FIXED_NOREPLACE, null, 0, null)).as("noreplace_free").isEqualTo(x + 4 * P);
        assertThat(ops.mmap(t, x + P + 5, P, MmOps.PROT_READ, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS
                | MmOps.MAP_FIXED_NOREPLACE, null, 0, null)).as("noreplace_unaligned").isEqualTo(EINVAL);
    }

    @Test
    void brk_grows_and_shrinks_one_heap_vma_and_refuses_to_reach_a_mapping() {
        long b0 = 0x555555560000L;
        sys.setBrk(t, b0);
        long b1 = sys.brk(t, b0 + 3 * P + 10);
        assertThat(b1).as("brk_grow").isEqualTo(b0 + 3 * P + 10);
        assertThat(vmas(b0, b0 + 4 * P)).isEqualTo(1);
        long b2 = sys.brk(t, b1 + 5 * P);
        assertThat(b2).as("brk_grow2").isEqualTo(b1 + 5 * P);
        assertThat(vmas(b0, b0 + 9 * P)).as("one [heap] VMA, grown in place").isEqualTo(1);
        assertThat(t.mm().find(b0).end()).isEqualTo(b0 + 9 * P);
        long b3 = sys.brk(t, b0 + P);
        assertThat(b3).as("brk_shrink").isEqualTo(b0 + P);
        assertThat(t.mm().find(b0).end()).isEqualTo(b0 + P);
        assertThat(sys.brk(t, b0 - 100 * P)).as("brk_below_start = old").isEqualTo(b3);
        long end = (b3 + P - 1) & -P;
        anon(end + 2 * P, P, MmOps.MAP_FIXED);
        assertThat(sys.brk(t, end + 4 * P)).as("brk_into_mapping = old").isEqualTo(b3);
        assertThat(sys.brk(t, end + 2 * P)).as("brk_up_to_mapping = other: a page must stay free").isEqualTo(b3);
        assertThat(sys.brk(t, end + P)).as("one page below the mapping is fine").isEqualTo(end + P);
        assertThat(vmas(b0, end + 2 * P)).isEqualTo(1);
    }

    @Test
    void a_huge_page_moved_to_an_aligned_address_stays_pmd_mapped_and_keeps_its_folio() {
        k.setThp(org.mmproto.core.task.TransparentHugepage.Mode.ALWAYS);
        long a = anon(0, 4L << 20, 0);
        assertThat(a & ((2L << 20) - 1)).as("PMD aligned").isZero();
        anon(a + (4L << 20), P, MmOps.MAP_FIXED); // a blocker: growth must move
        ops.touch(t, a, 2L << 20, true);
        long head = ops.folioAt(t, a);
        assertThat(t.mm().find(a).pmd(a)).as("a huge PMD before the move").isNotZero();
        long r = sys.mremap(t, a, 4L << 20, 8L << 20, MREMAP_MAYMOVE, 0);
        assertThat(r).isPositive().isNotEqualTo(a);
        assertThat(ops.folioAt(t, r)).as("the same folio at the new address").isEqualTo(head);
        assertThat(ops.folioAt(t, r + (1L << 20))).isEqualTo(head);
        assertThat(t.mm().find(r).pmd(r)).as("aligned old and new: moved whole (move_huge_pmd)").isNotZero();
        assertThat(t.mm().find(a)).isNull();
        assertThat(ops.touch(t, r, 8L << 20, true)).isZero();
        assertThat(org.mmproto.core.mm.DebugVm.check(k.mem())).isEmpty();
        ops.exit(t);
        assertThat(org.mmproto.core.mm.DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void brk_after_an_mbind_or_nohugepage_on_the_heap_tail_maps_a_new_default_vma() {
        long b0 = 0x555555560000L;
        sys.setBrk(t, b0);
        sys.brk(t, b0 + 4 * P);
        org.mmproto.core.task.MemPolicy bind = new org.mmproto.core.task.MemPolicy(
                org.mmproto.core.task.MemPolicy.MPOL_BIND, 0, null, null, -1);
        t.mm().find(b0).setPolicy(bind);
        assertThat(sys.brk(t, b0 + 6 * P)).isEqualTo(b0 + 6 * P);
        assertThat(t.mm().find(b0).end()).as("the mbound VMA is not stretched").isEqualTo(b0 + 4 * P);
        assertThat(t.mm().find(b0 + 4 * P).policy()).as("the new heap pages: default policy").isNull();
        assertThat(t.mm().find(b0 + 4 * P).end()).isEqualTo(b0 + 6 * P);
        assertThat(sys.brk(t, b0 + 7 * P)).isEqualTo(b0 + 7 * P);
        assertThat(vmas(b0, b0 + 7 * P)).as("the default tail grows in place").isEqualTo(2);
        assertThat(ops.madvise(t, b0 + 6 * P, P, MmOps.MADV_NOHUGEPAGE)).isZero();
        assertThat(sys.brk(t, b0 + 8 * P)).isEqualTo(b0 + 8 * P);
        assertThat(vmas(b0, b0 + 8 * P)).as("a NOHUGEPAGE tail is not stretched either").isEqualTo(4);
        assertThat(t.mm().find(b0 + 7 * P).flags() & org.mmproto.core.task.Vma.VM_NOHUGEPAGE).isZero();
    }

    @Test
    void brk_shrink_over_an_unmapped_range_returns_the_old_break() {
        long b0 = 0x555555560000L;
        sys.setBrk(t, b0);
        sys.brk(t, b0 + 4 * P);
        assertThat(ops.munmap(t, b0 + 2 * P, 2 * P)).isZero();
        assertThat(sys.brk(t, b0 + 2 * P)).as("nothing in [newbrk, oldbrk): refused").isEqualTo(b0 + 4 * P);
        assertThat(sys.brkNow(t)).isEqualTo(b0 + 4 * P);
        assertThat(sys.brk(t, b0 + P)).as("[b0+P, b0+4P) still has a page mapped").isEqualTo(b0 + P);
        assertThat(t.mm().find(b0).end()).isEqualTo(b0 + P);
    }

    @Test
    void mprotect_splits_at_the_edges_charges_a_new_writer_and_write_protects_present_pages() {
        long a = ops.mmap(t, 0, 8 * P, 0, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, null);
        long committed = k.overcommit().committedPages();
        assertThat(ops.mprotect(t, a + 2 * P, 2 * P, MmOps.PROT_READ | MmOps.PROT_WRITE)).isZero();
        assertThat(vmas(a, a + 8 * P)).as("PROT_NONE | RW | PROT_NONE").isEqualTo(3);
        assertThat(t.mm().find(a + 2 * P).flags() & org.mmproto.core.task.Vma.VM_WRITE).isNotZero();
        assertThat(t.mm().find(a).flags() & org.mmproto.core.task.Vma.VM_WRITE).isZero();
        assertThat(k.overcommit().committedPages() - committed).as("the new writer is charged").isEqualTo(2);
        assertThat(ops.touch(t, a + 2 * P, 2 * P, true)).isZero();
        assertThat(t.mm().find(a + 2 * P).pte(a + 2 * P) & org.mmproto.core.task.Pte.WRITE).isNotZero();
        assertThat(ops.mprotect(t, a + 2 * P, P, MmOps.PROT_READ)).isZero();
        assertThat(t.mm().find(a + 2 * P).pte(a + 2 * P) & org.mmproto.core.task.Pte.WRITE).as("write dropped")
                .isZero();
        assertThat(t.mm().find(a + 3 * P).pte(a + 3 * P) & org.mmproto.core.task.Pte.WRITE).isNotZero();
        assertThat(ops.mprotect(t, a + 1, P, MmOps.PROT_READ)).as("unaligned").isEqualTo(EINVAL);
        assertThat(ops.mprotect(t, a, P, 0x40)).as("an unknown prot bit").isEqualTo(EINVAL);
        ops.munmap(t, a + 6 * P, P);
        assertThat(ops.mprotect(t, a + 6 * P, P, MmOps.PROT_READ)).as("unmapped").isEqualTo(ENOMEM);
        assertThat(ops.mprotect(t, a + 5 * P, 2 * P, MmOps.PROT_READ)).as("a hole before the end").isEqualTo(ENOMEM);
        assertThat(t.mm().find(a + 5 * P).flags() & org.mmproto.core.task.Vma.VM_READ)
                .as("the VMA before the hole was changed").isNotZero();
        long nr = ops.mmap(t, 0, 4 * P, 0, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS | MmOps.MAP_NORESERVE, null, 0, null);
        long c2 = k.overcommit().committedPages();
        assertThat(ops.mprotect(t, nr, 4 * P, MmOps.PROT_READ | MmOps.PROT_WRITE)).isZero();
        assertThat(k.overcommit().committedPages()).as("MAP_NORESERVE: no charge").isEqualTo(c2);
    }

    @Test
    void a_huge_page_moved_to_an_unaligned_address_is_split_and_keeps_its_folio() {
        k.setThp(org.mmproto.core.task.TransparentHugepage.Mode.ALWAYS);
        long a = anon(0, 2L << 20, 0);
        ops.touch(t, a, 2L << 20, true);
        long head = ops.folioAt(t, a);
        assertThat(t.mm().find(a).pmd(a)).isNotZero();
        long to = anon(0, 8L << 20, 0);
        ops.munmap(t, to, 8L << 20);
        long r = sys.mremap(t, a, 2L << 20, 2L << 20, MREMAP_MAYMOVE | MREMAP_FIXED, to + P);
        assertThat(r).isEqualTo(to + P);
        assertThat(t.mm().find(r).pmd(r)).as("unaligned: split").isZero();
        assertThat(ops.folioAt(t, r + (1L << 20))).isEqualTo(head);
        assertThat(org.mmproto.core.mm.DebugVm.check(k.mem())).isEmpty();
        ops.exit(t);
        assertThat(org.mmproto.core.mm.DebugVm.check(k.mem())).isEmpty();
    }
}
