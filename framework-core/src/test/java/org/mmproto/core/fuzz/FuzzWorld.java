package org.mmproto.core.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.mmproto.api.Gfp;
import org.mmproto.core.fuzz.AllowedErrnos.Call;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.syscall.NumaSyscalls;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.ShmemFile;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * The fuzzer's system under test: one booted kernel, its live tasks, the mappings each task
 * made, the GUP pins and kernel allocations held. Steps name tasks and mappings by index (taken
 * modulo what exists when the step runs), so a sequence stays meaningful while it is shrunk.
 */
final class FuzzWorld {
    final Kernel k;
    final MmOps ops;
    final NumaSyscalls numa;
    final Gup gup;
    final List<Task> tasks = new ArrayList<>();
    final List<long[]> pins = new ArrayList<>();
    /** {pfn, order} of kernel allocations held. */
    final List<long[]> kernelPages = new ArrayList<>();
    final long bootPagesInFolios;
    final int checkEvery;
    private long steps;
    private int nextName;

    /** Injected allocation failures reach callers as ENOMEM, also where the man page lists none (fail_page_alloc too). */
    private final boolean anyEnomem;

    FuzzWorld(Kernel k, int checkEvery) {
        this(k, checkEvery, false);
    }

    FuzzWorld(Kernel k, int checkEvery, boolean anyEnomem) {
        this.anyEnomem = anyEnomem;
        this.k = k;
        this.ops = k.mmOps();
        this.numa = k.numa();
        this.gup = k.gup();
        this.checkEvery = checkEvery;
        this.bootPagesInFolios = k.mem().pagesInFolios();
        spawn(false);
        spawn(true);
    }

    Task spawn(boolean nice) {
        Task t = k.spawn("t" + nextName++, 0, 0, 1000, nice ? Set.of(Task.CAP_SYS_NICE) : Set.of());
        tasks.add(t);
        return t;
    }

    Task task(int i) {
        return tasks.get(Math.floorMod(i, tasks.size()));
    }

    /** Start and length of the task's j-th VMA (modulo its count), or null when it has none. */
    long[] vma(Task t, int j) {
        List<Vma> v = t.mm() == null ? List.of() : t.mm().vmas();
        if (v.isEmpty()) {
            return null;
        }
        Vma x = v.get(Math.floorMod(j, v.size()));
        return new long[] {x.start(), x.end() - x.start()};
    }

    /** Per call: {successes, errnos} over the world's life (what the fuzzer reached). */
    final java.util.Map<Call, long[]> outcomes = new java.util.EnumMap<>(Call.class);

    /** Counts the outcome; fails the step when ret is an errno the call's man page does not allow. */
    void result(Call call, long ret) {
        outcomes.computeIfAbsent(call, c -> new long[2])[ret < 0 && ret >= -4095 ? 1 : 0]++;
        String bad = anyEnomem && ret == -org.mmproto.api.Errno.ENOMEM.code() ? null : AllowedErrnos.check(call, ret);
        if (bad != null) {
            throw new AssertionError(bad);
        }
    }

    static UserMask mask(long words, int kind) {
        return switch (kind) {
            case 0 -> UserMask.NULL;
            case 1 -> UserMask.bad();
            default -> UserMask.of(words);
        };
    }

    static int gfp(int kind) {
        return switch (kind) {
            case 0 -> Gfp.GFP_KERNEL.bits();
            case 1 -> Gfp.GFP_HIGHUSER_MOVABLE.bits();
            case 2 -> Gfp.GFP_KERNEL.or(Gfp.__GFP_THISNODE).bits();
            case 3 -> Gfp.GFP_HIGHUSER_MOVABLE.or(Gfp.__GFP_THISNODE).bits();
            default -> Gfp.GFP_ATOMIC.bits();
        };
    }

    /** The invariants checked after a step: DebugVm every {@link #checkEvery} steps, accounting always. */
    List<String> invariants() {
        List<String> out = new ArrayList<>();
        if (++steps % checkEvery == 0) {
            for (DebugVm.Violation v : DebugVm.check(k.mem())) {
                out.add(v.toString());
            }
        }
        long accounted = 0;
        for (Task t : k.tasks()) {
            Mm mm = t.mm();
            if (mm == null) {
                continue;
            }
            for (Vma v : mm.vmas()) {
                if ((v.flags() & Vma.VM_ACCOUNT) != 0) {
                    accounted += v.pages();
                }
            }
        }
        for (ShmemFile f : k.memfds()) {
            accounted += f.accountedPages();
        }
        if (accounted != k.overcommit().committedPages()) {
            out.add("Committed_AS " + k.overcommit().committedPages() + " pages != " + accounted
                    + " pages of accounted mappings");
        }
        return out;
    }

    /** Tears everything down and reports any page left in a folio beyond the boot state (a leak). */
    List<String> teardown() {
        for (long[] p : pins) {
            gup.unpin(p);
        }
        pins.clear();
        for (long[] a : kernelPages) {
            k.alloc().freePages(a[0], (int) a[1]);
        }
        kernelPages.clear();
        for (Task t : List.copyOf(tasks)) {
            ops.exit(t);
        }
        k.alloc().drainAllPages();
        List<String> out = new ArrayList<>();
        for (DebugVm.Violation v : DebugVm.check(k.mem())) {
            out.add(v.toString());
        }
        long left = k.mem().pagesInFolios() - bootPagesInFolios;
        if (left != 0) {
            out.add(left + " pages still in folios after every task exited and every pin and allocation was released");
        }
        if (k.overcommit().committedPages() != 0) {
            out.add("Committed_AS " + k.overcommit().committedPages() + " pages after every task exited");
        }
        return out;
    }
}
