package org.mmproto.core.thp;

import org.mmproto.core.mm.Memmap;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.Rmap;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * /proc/&lt;pid&gt;/smaps (show_smap), the items the engine can give per VMA, in the kernel's
 * order and units: {@code Size}, {@code KernelPageSize}, {@code MMUPageSize}, {@code Rss},
 * {@code Pss} (a page shared by n mappings counts 1/n), {@code Anonymous}, {@code AnonHugePages}
 * (anonymous folios mapped whole by a PMD: 2048 kB each) and {@code Swap}. Unlike numa_maps every
 * present page but the zero page counts, private nodes' included. The header is the range only (no permissions,
 * offset, device or path); the dirty/clean, Referenced, LazyFree, hugetlb, Locked and THPeligible
 * lines are not printed.
 */
public final class Smaps {
    private Smaps() {
    }

    public static String render(Memmap memmap, Rmap rmap, Task t) {
        Mm mm = t.mm();
        if (mm == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Vma vma : mm.vmas()) {
            vma(memmap, rmap, vma, sb);
        }
        return sb.toString();
    }

    private static void vma(Memmap memmap, Rmap rmap, Vma vma, StringBuilder sb) {
        long rss = 0;
        long pssTimes = 0; // in pages * PSS_SHIFT units
        long anon = 0;
        long anonHuge = 0;
        long swap = 0;
        for (long addr = vma.nextMapped(vma.start(), vma.end()); addr < vma.end();
                addr = vma.nextMapped(addr + Mm.PAGE_SIZE, vma.end())) {
            long pte = vma.pte(addr);
            if (Pte.isSwap(pte)) {
                swap++;
                continue;
            }
            if (!Pte.present(pte)) {
                continue;
            }
            if ((pte & Pte.ZERO) != 0) {
                // smaps_pte_entry: vm_normal_page() is NULL for the zero page, so it is not
                // accounted at all (a read fault leaves Rss 0 kB: checked on realkernel 6.12)
                continue;
            }
            rss++;
            long head = rmap.headOf(Pte.pfn(pte));
            boolean isAnon = (memmap.flags(head) & Memmap.PG_ANON) != 0;
            int entire = memmap.entireMapcount(head);
            int order = memmap.order(head);
            int mapcount = order == 0 ? memmap.mapcount(head) : entire + ((memmap.mapcount(head) - entire) >> order);
            pssTimes += mapcount > 1 ? PSS_ONE / mapcount : PSS_ONE;
            if (isAnon) {
                anon++;
                if (Pte.isPmd(pte)) {
                    anonHuge++;
                }
            }
        }
        sb.append(String.format("%08x-%08x%n", vma.start(), vma.end()));
        kb(sb, "Size", (vma.end() - vma.start()) >>> 10);
        kb(sb, "KernelPageSize", 4);
        kb(sb, "MMUPageSize", 4);
        kb(sb, "Rss", rss * 4);
        kb(sb, "Pss", pssTimes * 4 / PSS_ONE);
        kb(sb, "Anonymous", anon * 4);
        kb(sb, "AnonHugePages", anonHuge * 4);
        kb(sb, "Swap", swap * 4);
    }

    /** The kernel keeps Pss in units of 1/2^PSS_SHIFT of a page; a shift of 12 here. */
    private static final long PSS_ONE = 1L << 12;

    private static void kb(StringBuilder sb, String name, long kb) {
        sb.append(String.format("%-16s%8d kB%n", name + ":", kb));
    }
}
