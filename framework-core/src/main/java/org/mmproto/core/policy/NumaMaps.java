package org.mmproto.core.policy;

import org.mmproto.core.mm.Memmap;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.ShmemFile;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * /proc/&lt;pid&gt;/numa_maps (show_numa_map), one line per VMA:
 * {@code %08lx <policy>[ file=<path>]} and, when the VMA maps pages,
 * {@code [ anon=N][ dirty=N][ mapped=N][ mapmax=N] active=0[ N<nid>=N]... kernelpagesize_kB=4}.
 *
 * <ul>
 *   <li>The policy is the VMA's (memfd: the file's at vm_start) or, when it has none, the task's
 *       ({@link MpolToStr}); the default policy prints {@code default}.</li>
 *   <li>A memfd prints {@code file=/memfd:NAME\040(deleted)}, shared anonymous memory
 *       {@code file=/dev/zero\040(deleted)}: the path of an unlinked file, with space, tab,
 *       newline and '=' escaped as octal (seq_path with "\n\t= ").</li>
 *   <li>Pages are present entries that map a folio on an {@code N_MEMORY} node (not the zero
 *       page, and not private nodes, which are outside N_MEMORY); a THP counts 512.
 *       {@code dirty}: dirty entry or folio; {@code mapped} only when it differs from both anon
 *       and dirty; {@code mapmax}: the largest per-page mapcount, when above 1.</li>
 *   <li>{@code active}: the engine has no active LRU list and no per-CPU LRU batches, so every
 *       folio is inactive and the line always shows {@code active=0} (what a real 6.12 kernel
 *       prints for folios that reached the LRU; only folios still in a per-CPU batch show as
 *       active there: checked on realkernel 6.12).</li>
 *   <li>Not modelled: {@code heap}, {@code stack}, {@code huge}, {@code swapcache},
 *       {@code writeback}. A VMA's scenario label is not printed.</li>
 * </ul>
 */
public final class NumaMaps {
    private NumaMaps() {
    }

    public static String render(PolicyServices k, Task t) {
        Mm mm = t.mm();
        if (mm == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Vma vma : mm.vmas()) {
            line(k, t, vma, sb);
        }
        return sb.toString();
    }

    private static void line(PolicyServices k, Task t, Vma vma, StringBuilder sb) {
        MemPolicy pol = VmaPolicy.at(vma, vma.start());
        if (pol == null) {
            pol = t.policy();
        }
        sb.append(String.format("%08x %s", vma.start(), MpolToStr.of(pol)));
        if (vma.file() != null) {
            sb.append(" file=").append(escape(path(vma.file())));
        }
        Memmap memmap = k.core().memmap();
        int nodes = k.core().mem().nodeCount();
        long[] perNode = new long[nodes];
        long pages = 0;
        long anon = 0;
        long dirty = 0;
        long mapmax = 0;
        for (long addr = vma.nextMapped(vma.start(), vma.end()); addr < vma.end();
                addr = vma.nextMapped(addr + Mm.PAGE_SIZE, vma.end())) {
            long pte = vma.pte(addr);
            if (!UserFolios.mapsFolio(pte)) {
                continue;
            }
            long head = k.rmap().headOf(Pte.pfn(pte));
            int nid = memmap.nid(head);
            if (!k.core().mem().node(nid).inNMemory()) {
                continue;
            }
            int flags = memmap.flags(head);
            pages++;
            if ((pte & Pte.DIRTY) != 0 || (flags & Memmap.PG_DIRTY) != 0) {
                dirty++;
            }
            if ((flags & Memmap.PG_ANON) != 0) {
                anon++;
            }
            mapmax = Math.max(mapmax, UserFolios.pageMapcount(memmap, head));
            perNode[nid]++;
        }
        if (pages > 0) {
            if (anon > 0) {
                sb.append(" anon=").append(anon);
            }
            if (dirty > 0) {
                sb.append(" dirty=").append(dirty);
            }
            if (pages != anon && pages != dirty) {
                sb.append(" mapped=").append(pages);
            }
            if (mapmax > 1) {
                sb.append(" mapmax=").append(mapmax);
            }
            sb.append(" active=0");
            for (int nid = 0; nid < nodes; nid++) {
                if (perNode[nid] > 0) {
                    sb.append(" N").append(nid).append('=').append(perNode[nid]);
                }
            }
            sb.append(" kernelpagesize_kB=4");
        }
        sb.append('\n');
    }

    /** d_path of the memfd: "/" + its name, and " (deleted)" since memfds are never linked. */
    static String path(ShmemFile f) {
        String name = f.name();
        return "/" + name + (name.endsWith(" (deleted)") ? "" : " (deleted)");
    }

    /** seq_path's escaping of the characters of "\n\t= " as \ooo. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '=') {
                sb.append(String.format("\\%03o", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
