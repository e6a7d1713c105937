package org.mmproto.core.thp;

import java.util.EnumMap;
import java.util.Map;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Tasks;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.task.Vma;

/**
 * The khugepaged thread (mm/khugepaged.c): each wakeup (khugepaged_do_scan) scans
 * {@code pages_to_scan} pages' worth of PMD ranges (512 per range, 1 per VMA it skips) from
 * where the last one stopped, mm by mm in pid order and VMA by VMA in address order, collapsing
 * each range the {@link Collapser} allows; passing the last mm is a full scan. It scans the
 * anonymous VMAs thp_vma_allowable_order admits with the sysfs settings enforced:
 * {@code enabled} always, or madvise and MADV_HUGEPAGE; never MADV_NOHUGEPAGE. It runs while
 * {@code enabled} is not never, every {@code scan_sleep_millisecs} of the scenario's
 * {@code tick}, and sleeps {@code alloc_sleep_millisecs} after a failed THP allocation. Every
 * live mm is scanned (the kernel's list holds the mms khugepaged_enter_vma registered: those
 * with a VMA eligible at mmap, fault or MADV_HUGEPAGE time).
 */
public final class Khugepaged {
    private final Tasks tasks;
    private final TransparentHugepage thp;
    private final Collapser collapser;
    private KhugepagedTunables tunables = KhugepagedTunables.DEFAULTS;
    private long pagesCollapsed;
    private long fullScans;
    /** khugepaged_scan: the mm (pid) and address the next wakeup resumes at; -1 = the first mm. */
    private int cursorPid = -1;
    private long cursorAddr;
    private long sleptMs;
    private long sleepMs = KhugepagedTunables.DEFAULTS.scanSleepMillisecs();
    private final Map<ScanResult, Long> results = new EnumMap<>(ScanResult.class);

    /** One wakeup: PMD ranges scanned, collapsed, and the THP allocations that failed (each one a sleep). */
    public record Pass(int ranges, int collapsed, int allocFailures) {
    }

    public Khugepaged(Tasks tasks, TransparentHugepage thp, Collapser collapser) {
        this.tasks = tasks;
        this.thp = thp;
        this.collapser = collapser;
    }

    public KhugepagedTunables tunables() {
        return tunables;
    }

    /**
     * Writes the sysfs files (the values were validated when the record was built). A new
     * scan_sleep_millisecs restarts the sleep with it (scan_sleep_millisecs_store resets the expiry).
     */
    public void setTunables(KhugepagedTunables t) {
        if (t.scanSleepMillisecs() != tunables.scanSleepMillisecs()) {
            sleepMs = t.scanSleepMillisecs();
            sleptMs = 0;
        }
        this.tunables = t;
    }

    /** hugepage_pmd_enabled: the thread runs unless enabled is never. */
    public boolean running() {
        return thp.mode() != TransparentHugepage.Mode.NEVER;
    }

    /** thp_vma_allowable_order(TVA_ENFORCE_SYSFS) for the VMAs mmproto collapses (anonymous ones). */
    boolean allowable(Vma v) {
        if (!v.isAnon() || (v.flags() & Vma.VM_NOHUGEPAGE) != 0) {
            return false;
        }
        return switch (thp.mode()) {
            case ALWAYS -> true;
            case MADVISE -> (v.flags() & Vma.VM_HUGEPAGE) != 0;
            case NEVER -> false;
        };
    }

    /** Time passes; returns the wakeups made. */
    public int tick(long ms) {
        if (!running()) {
            return 0;
        }
        int passes = 0;
        sleptMs += ms;
        while (sleptMs >= Math.max(1, sleepMs)) {
            sleptMs -= Math.max(1, sleepMs);
            Pass p = scan();
            passes++;
            // a failed allocation slept inside the wakeup (khugepaged_alloc_sleep); the last one ends it
            sleptMs -= Math.max(0, p.allocFailures() - 1) * tunables.allocSleepMillisecs();
            sleepMs = p.allocFailures() > 0 ? tunables.allocSleepMillisecs() : tunables.scanSleepMillisecs();
        }
        return passes;
    }

    /**
     * khugepaged_do_scan: one wakeup's worth of scanning, whatever the thread's state. It stops
     * when {@code pages_to_scan} is used up or at the second pass through the head of the mm
     * list (so at most one full scan from the head); after a failed THP allocation it sleeps
     * alloc_sleep_millisecs and goes on, after a second one it stops.
     */
    public Pass scan() {
        int budget = tunables.pagesToScan();
        int[] progress = {0};
        int ranges = 0;
        int collapsed = 0;
        int allocFailures = 0;
        int passThroughHead = 0;
        while (true) {
            if (cursorPid < 0) {
                passThroughHead++;
            }
            if (passThroughHead >= 2 || !hasWork()) {
                break;
            }
            Task t = nextMm();
            if (t == null) {
                endOfList(); // the mm the cursor was in exited: past the last one
                continue;
            }
            MmScan r = scanMm(t, budget, progress);
            ranges += r.ranges;
            collapsed += r.collapsed;
            if (progress[0] >= budget) {
                break;
            }
            if (r.allocFailed && ++allocFailures == 2) {
                break;
            }
        }
        return new Pass(ranges, collapsed, allocFailures);
    }

    /** What one khugepaged_scan_mm_slot call did. */
    private static final class MmScan {
        int ranges;
        int collapsed;
        boolean allocFailed;
    }

    /**
     * khugepaged_scan_mm_slot: the mm's VMAs from the cursor until the budget is used up or a THP
     * allocation failed; a finished mm moves the cursor to the next one (past the last: a full scan).
     */
    private MmScan scanMm(Task t, int budget, int[] progress) {
        MmScan out = new MmScan();
        for (Vma v : t.mm().vmas()) {
            if (v.end() <= cursorAddr) {
                continue;
            }
            long hstart = (Math.max(v.start(), cursorAddr) + Collapser.HPAGE_PMD_SIZE - 1) & -Collapser.HPAGE_PMD_SIZE;
            long hend = v.end() & -Collapser.HPAGE_PMD_SIZE;
            if (!allowable(v) || hstart >= hend) {
                progress[0]++;
                cursorAddr = v.end();
                if (progress[0] >= budget) {
                    return out;
                }
                continue;
            }
            for (long a = hstart; a < hend; a += Collapser.HPAGE_PMD_SIZE) {
                ScanResult r = collapser.collapse(t, v, a, Collapser.Control.khugepaged(tunables));
                results.merge(r, 1L, Long::sum);
                progress[0] += Collapser.HPAGE_PMD_NR;
                out.ranges++;
                cursorAddr = a + Collapser.HPAGE_PMD_SIZE;
                if (r == ScanResult.SCAN_SUCCEED) {
                    pagesCollapsed++;
                    out.collapsed++;
                }
                if (r == ScanResult.SCAN_ALLOC_HUGE_PAGE_FAIL) {
                    out.allocFailed = true;
                    return out;
                }
                if (progress[0] >= budget) {
                    return out;
                }
            }
            cursorAddr = v.end();
        }
        cursorPid = t.pid() + 1;
        cursorAddr = 0;
        if (nextMm() == null) {
            endOfList();
        }
        return out;
    }

    private void endOfList() {
        fullScans++;
        cursorPid = -1;
        cursorAddr = 0;
    }

    /** khugepaged_has_work: some mm is there to scan. */
    private boolean hasWork() {
        for (Task t : tasks.tasks()) {
            if (t.mm() != null) {
                return true;
            }
        }
        return false;
    }

    /** The live mm the cursor is in, or the next one; null past the last. */
    private Task nextMm() {
        for (Task t : tasks.tasks()) {
            if (t.pid() >= cursorPid && t.mm() != null) {
                if (t.pid() != cursorPid) {
                    cursorAddr = 0;
                }
                cursorPid = t.pid();
                return t;
            }
        }
        return null;
    }

    /** /sys/kernel/mm/transparent_hugepage/khugepaged/pages_collapsed: THPs khugepaged made. */
    public long pagesCollapsed() {
        return pagesCollapsed;
    }

    /** /sys/kernel/mm/transparent_hugepage/khugepaged/full_scans. */
    public long fullScans() {
        return fullScans;
    }

    /** Range results of every scan so far (the mm_khugepaged_scan_pmd trace's status, counted). */
    public Map<ScanResult, Long> results() {
        return Map.copyOf(results);
    }

    /** The khugepaged directory as {@code grep -r . /sys/kernel/mm/transparent_hugepage/khugepaged/} prints it. */
    public String sysfs() {
        String dir = "/sys/kernel/mm/transparent_hugepage/khugepaged/";
        KhugepagedTunables t = tunables;
        StringBuilder sb = new StringBuilder();
        Map<String, Object> files = new java.util.LinkedHashMap<>();
        files.put("alloc_sleep_millisecs", t.allocSleepMillisecs());
        files.put("defrag", t.defrag() ? 1 : 0);
        files.put("full_scans", fullScans);
        files.put("max_ptes_none", t.maxPtesNone());
        files.put("max_ptes_shared", t.maxPtesShared());
        files.put("max_ptes_swap", t.maxPtesSwap());
        files.put("pages_collapsed", pagesCollapsed);
        files.put("pages_to_scan", t.pagesToScan());
        files.put("scan_sleep_millisecs", t.scanSleepMillisecs());
        files.forEach((k, v) -> sb.append(dir).append(k).append(':').append(v).append('\n'));
        return sb.toString();
    }
}
