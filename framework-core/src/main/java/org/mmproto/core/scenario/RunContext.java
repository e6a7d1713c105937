package org.mmproto.core.scenario;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.PidRef;
import org.mmproto.core.scenario.RunReport.InvariantViolation;
import org.mmproto.core.syscall.NumaSyscalls;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.ShmemFile;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * What a step runs against: the booted kernel and its syscall entry points, and the run's names
 * bound to what earlier steps created (tasks, mapping addresses, memfds, allocation groups, pins).
 */
public final class RunContext {
    private final Kernel k;
    private final MmOps ops;
    private final NumaSyscalls numa;
    private final long seed;
    private final ScenarioRunner.Listener listener;
    private final List<InvariantViolation> invariants;
    private final Map<String, Task> tasks = new HashMap<>();
    private final Map<String, Long> mapAddr = new HashMap<>();
    private final Map<String, String> mapFailed = new HashMap<>();
    private final Map<String, ShmemFile> memfds = new HashMap<>();
    private final Map<String, Integer> memfdNumbers = new HashMap<>();
    private final Map<String, List<long[]>> groups = new HashMap<>();
    private final Map<String, long[]> pins = new HashMap<>();
    private int nextFd = 3;

    RunContext(Kernel k, long seed, ScenarioRunner.Listener listener, List<InvariantViolation> invariants) {
        this.k = k;
        this.ops = k.mmOps();
        this.numa = k.numa();
        this.seed = seed;
        this.listener = listener;
        this.invariants = invariants;
    }

    public Kernel kernel() {
        return k;
    }

    public MmOps ops() {
        return ops;
    }

    public NumaSyscalls numa() {
        return numa;
    }

    /** The scenario's seed (repeat steps derive theirs from it). */
    public long seed() {
        return seed;
    }

    public ScenarioRunner.Listener listener() {
        return listener;
    }

    /** Records an invariant violation a check step found. */
    public void invariant(InvariantViolation v) {
        invariants.add(v);
    }

    // ---- names ----------------------------------------------------------------------------------

    /** The task of this name; a task whose fork failed makes the step an error. */
    public Task task(String name) {
        Task t = tasks.get(name);
        if (t == null) {
            throw new StepError("task '" + name + "' was not created (its fork failed)");
        }
        return t;
    }

    /** The task of this name, or null when it was never created. */
    public Task taskOrNull(String name) {
        return tasks.get(name);
    }

    public void taskCreated(String name, Task t) {
        tasks.put(name, t);
    }

    /** The address an expression names; a mapping whose mmap failed makes the step an error. */
    public long resolve(Addr a) {
        if (a.mapping() == null) {
            return a.offset();
        }
        Long base = mapAddr.get(a.mapping());
        if (base == null) {
            String why = mapFailed.getOrDefault(a.mapping(), "no mmap has created it");
            throw new StepError("mapping '" + a.mapping() + "' does not exist: " + why);
        }
        return base + a.offset();
    }

    public void mapped(String name, long addr) {
        mapAddr.put(name, addr);
        mapFailed.remove(name);
    }

    /** The mmap that names this mapping failed: later uses say why. */
    public void mapFailed(String name, String why) {
        mapAddr.remove(name);
        mapFailed.put(name, why);
    }

    public int pid(PidRef p) {
        if (p.task() == null) {
            return (int) p.number();
        }
        return task(p.task()).pid();
    }

    /** A new memfd under {@code name}; returns its fd number. */
    public int memfdCreated(String name, ShmemFile f) {
        int fd = nextFd++;
        memfds.put(name, f);
        memfdNumbers.put(name, fd);
        return fd;
    }

    public ShmemFile memfd(String name) {
        return memfds.get(name);
    }

    public Integer memfdNumber(String name) {
        return memfdNumbers.get(name);
    }

    /** The allocations (pfn, order) held under {@code name}, created empty on first use. */
    public List<long[]> group(String name) {
        return groups.computeIfAbsent(name, x -> new ArrayList<>());
    }

    /** The allocations held under {@code name}, or a fresh empty list when none were made. */
    public List<long[]> groupOrEmpty(String name) {
        return groups.getOrDefault(name, new ArrayList<>());
    }

    public void pinned(String name, long[] heads) {
        pins.put(name, heads);
    }

    /** The folios pinned under {@code name}, forgotten (empty when the pin failed or never ran). */
    public long[] takePins(String name) {
        long[] heads = pins.getOrDefault(name, new long[0]);
        pins.remove(name);
        return heads;
    }

    // ---- reading the address space ----------------------------------------------------------------

    /** Counts over [start, start+len) of a task: {pages, zero, huge, pages on node 0, node 1, ...}. */
    public long[] resident(Task t, long start, long len) {
        int n = k.mem().nodeCount();
        long[] c = new long[3 + n];
        if (t.mm() == null || len <= 0) {
            return c;
        }
        long from = start & -4096L;
        long end = start + len;
        for (Vma v : t.mm().intersecting(from, end)) {
            long a0 = Math.max(from, v.start());
            long a1 = Math.min(end, v.end());
            for (long a = v.nextMapped(a0, a1); a < a1; a = v.nextMapped(a + 4096, a1)) {
                long pte = v.pte(a);
                if (!Pte.present(pte)) {
                    continue;
                }
                if ((pte & Pte.ZERO) != 0) {
                    c[1]++;
                    continue;
                }
                c[0]++;
                if ((pte & Pte.HUGE) != 0) {
                    c[2]++;
                }
                c[3 + k.mem().zoneOf(Pte.pfn(pte)).nid()]++;
            }
        }
        return c;
    }

    // ---- summary text -------------------------------------------------------------------------------

    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** An address argument as a summary shows it: {@code buf+4KiB=0x7f...} or the hex value. */
    public static String at(Addr a, long resolved) {
        return a.mapping() == null ? hex(resolved) : a.text() + "=" + hex(resolved);
    }

    /** {@code (task)} after a pid a task name gave, else nothing. */
    public static String pidName(PidRef p) {
        return p.task() != null ? "(" + p.task() + ")" : "";
    }

    /** {@code name(arg, arg, ...) = value}, the value as a count or {@code -ERRNO}. */
    public static String call(String name, StepOutcome o, Object... args) {
        StringBuilder sb = new StringBuilder(name).append('(');
        for (int i = 0; i < args.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(args[i]);
        }
        sb.append(") = ");
        long v = o.value();
        sb.append(Expectations.isErrno(v) ? "-" + Expectations.errnoName(-v) : Long.toString(v));
        return sb.toString();
    }
}
