package org.mmproto.core.replay;

import static org.mmproto.core.replay.StraceArgs.CLONE_VFORK;
import static org.mmproto.core.replay.StraceArgs.CLONE_VM;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.mmproto.api.Errno;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.syscall.MmapSyscalls;
import org.mmproto.core.syscall.NumaSyscalls;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * Replays an strace log onto tasks of the simulated kernel: the log's first pid is the given
 * task; fork, vfork, clone and clone3 make children: CLONE_VM without CLONE_VFORK is a thread
 * (the same task), CLONE_VM with CLONE_VFORK (vfork, posix_spawn's clone3) a child that borrows
 * its parent's mm until its execve (a new task with a fresh mm) or its exit, anything else a
 * fork. A child's lines may come before its parent's {@code <... clone resumed> = PID} (strace
 * -f logs them as they happen): a pid first seen while a clone-family call of another pid is
 * unfinished is that call's child. A pid that is neither the first, nor made by a logged call,
 * nor such a child (strace -p of a threaded program shows threads whose clone was never logged)
 * is an unknown pid: a thread of the first pid, counted and listed ({@link #unknownPids()}), or
 * an error with file:line when the replay is strict about pids. execve drops the old address
 * space; {@code +++ exited +++} exits the task. Each replayed call's return is compared with the
 * logged one ({@link Mismatch}). Address hints: a call the program made without MAP_FIXED is
 * replayed with the address it got as the hint, so the replay rebuilds the recorded layout
 * wherever the simulated address space agrees; file mappings are replayed as private anonymous
 * memory (the engine has no page cache).
 */
public final class StraceReplayer {
    private static final int MAP_KEEP = MmOps.MAP_SHARED | MmOps.MAP_PRIVATE | MmOps.MAP_FIXED | MmOps.MAP_ANONYMOUS
            | MmOps.MAP_NORESERVE;
    private static final long MAP_POPULATE = 0x8000;
    private static final int MAX_MISMATCHES_KEPT = 50;
    /** Details naming what a replayed call took from the log (so that its return matches by construction). */
    static final String FROM_LOG = "from the log: ";

    private final Kernel k;
    private final MmOps ops;
    private final NumaSyscalls numa;
    private final MmapSyscalls mm;
    private final Task root;
    private final BiConsumer<String, Task> created;
    private final ReplayClock clock;
    private final boolean exitRoot;
    private final Map<Integer, Proc> procs = new HashMap<>();
    private final Map<Task, Integer> users = new HashMap<>();
    private final TreeMap<String, Long> calls = new TreeMap<>();
    private final TreeMap<String, Long> notModelled = new TreeMap<>();
    private final TreeMap<String, Long> details = new TreeMap<>();
    private final List<Mismatch> mismatches = new ArrayList<>();
    private long mismatchCount;
    private long events;
    private StraceArgs args;
    private String file;

    /**
     * A pid of the log: its task (threads share one). {@code borrowed}: a vfork child running in
     * its parent's mm (the parent's task) until its execve or exit.
     */
    private record Proc(Task task, boolean borrowed) {
    }

    private static final java.util.Set<String> CLONES = java.util.Set.of("fork", "vfork", "clone", "clone3");
    private final boolean strictPids;
    private StraceParser parser;
    private int firstPid = -1;
    /** Unknown pids (see the class comment) and the line each was first seen at. */
    private final TreeMap<Integer, Long> unknownPids = new TreeMap<>();
    /**
     * Parent pid -> {child pid, line}: the pid first seen (at that line) while the parent's
     * clone-family call was unfinished, a guess the call's return confirms or contradicts.
     */
    private final Map<Integer, long[]> earlyChildren = new HashMap<>();
    /** Children whose fork failed in the engine before their parent's call returned in the log. */
    private final java.util.Set<Integer> failedForks = new java.util.HashSet<>();


    /**
     * @param created  told about every task a fork in the log creates (name, task)
     * @param exitRoot replay the root task's exit; false keeps it (and its address space) for the
     *                 steps after the replay, an access trace of the same program say
     */
    public StraceReplayer(Kernel k, Task root, BiConsumer<String, Task> created, ReplayClock clock, boolean exitRoot) {
        this(k, root, created, clock, exitRoot, false);
    }

    /** @param strictPids an unknown pid is an error (file:line) rather than a counted thread of the first pid */
    public StraceReplayer(Kernel k, Task root, BiConsumer<String, Task> created, ReplayClock clock, boolean exitRoot,
                          boolean strictPids) {
        this.strictPids = strictPids;
        this.exitRoot = exitRoot;
        this.k = k;
        this.ops = k.mmOps();
        this.numa = k.numa();
        this.mm = new MmapSyscalls(ops);
        this.root = root;
        this.created = created;
        this.clock = clock;
    }

    /** Replays every event of the log; returns the number of events. */
    public long replay(LineReader in, long maxEvents) {
        this.args = new StraceArgs(in);
        this.file = in.file();
        StraceParser p = new StraceParser(in);
        this.parser = p;
        StraceEvent e;
        while (events < maxEvents && (e = p.next()) != null) {
            events++;
            long t = e instanceof StraceEvent.Call c ? c.timeUs() : ((StraceEvent.Exited) e).timeUs();
            if (t >= 0) {
                clock.at(t * 1000);
            }
            if (e instanceof StraceEvent.Call c) {
                call(c);
            } else {
                exited((StraceEvent.Exited) e);
            }
        }
        return events;
    }

    private Proc proc(int pid, long line) {
        Proc p = procs.get(pid);
        if (p != null) {
            return p;
        }
        if (firstPid < 0) {
            firstPid = parser.firstPid(); // the pid of the log's first line is the scenario's task
        }
        if (pid == firstPid) {
            return adopt(pid, root, false);
        }
        for (StraceParser.Unfinished u : parser.pending()) {
            Proc parent = procs.get(u.pid());
            if (parent == null && u.pid() == firstPid) {
                parent = adopt(firstPid, root, false); // its first call is still unfinished
            }
            if (CLONES.contains(u.name()) && u.pid() != pid && parent != null && !earlyChildren.containsKey(u.pid())) {
                earlyChildren.put(u.pid(), new long[] {pid, line});
                count(details, "child seen before its " + u.name() + " returned");
                Proc child = spawn(parent, u.name(), u.head(), pid, line);
                if (child == null) {
                    failedForks.add(pid);
                    return adopt(pid, parent.task, true); // reported as the call's mismatch when it returns
                }
                return child;
            }
        }
        if (strictPids) {
            throw new TraceFormatException(file, line, "pid " + pid + " is not the log's first pid (" + firstPid
                    + ") and no fork, vfork, clone or clone3 of the log made it (strace -p of a threaded program"
                    + " logs threads whose clone it never saw: replay with unknown_pids: thread to take them as"
                    + " threads of pid " + firstPid + ")");
        }
        unknownPids.put(pid, line);
        count(details, "unknown pid (a thread of pid " + firstPid + ")");
        Proc first = procs.get(firstPid);
        return adopt(pid, first != null ? first.task : root, false);
    }

    private Proc adopt(int pid, Task t, boolean borrowed) {
        Proc p = new Proc(t, borrowed);
        procs.put(pid, p);
        users.merge(t, 1, Integer::sum);
        return p;
    }

    private void call(StraceEvent.Call c) {
        Proc p = proc(c.pid(), c.line());
        if (p.task.exited()) {
            return;
        }
        long line = c.line();
        try {
            dispatch(p, c, line);
        } catch (UnknownFlagName u) {
            count(details, "not replayed: " + c.name() + " with " + u.name() + " (a flag name not in the tables)");
        }
    }

    private void dispatch(Proc p, StraceEvent.Call c, long line) {
        switch (c.name()) {
            case "mmap" -> checked(c, mmap(p.task, c, line));
            case "munmap" -> checked(c, ops.munmap(p.task, args.num(c.arg(0), line, "an address"),
                    args.num(c.arg(1), line, "a length")));
            case "mprotect" -> mprotect(p.task, c, line);
            case "brk" -> checked(c, brk(p, args.num(c.arg(0), line, "an address"), c));
            case "mremap" -> checked(c, mremap(p.task, c, line));
            case "madvise" -> checked(c, ops.madvise(p.task, args.num(c.arg(0), line, "an address"),
                    args.num(c.arg(1), line, "a length"), (int) args.flags(c.arg(2), StraceArgs.MADV, false, line,
                            "an MADV_ advice")));
            case "mbind" -> checked(c, numa.mbind(p.task, args.num(c.arg(0), line, "an address"),
                    args.num(c.arg(1), line, "a length"), (int) args.flags(c.arg(2), StraceArgs.MPOL_MODE, false,
                            line, "an MPOL_ mode"), args.mask(c.arg(3), line), args.num(c.arg(4), line, "maxnode"),
                    (int) args.flags(c.arg(5), StraceArgs.MPOL_MF, false, line, "MPOL_MF_ flags")));
            case "set_mempolicy" -> checked(c, numa.setMempolicy(p.task, (int) args.flags(c.arg(0),
                    StraceArgs.MPOL_MODE, false, line, "an MPOL_ mode"), args.mask(c.arg(1), line),
                    args.num(c.arg(2), line, "maxnode")));
            case "get_mempolicy" -> checked(c, numa.getMempolicy(p.task, !c.arg(1).equals("NULL"),
                    args.num(c.arg(2), line, "maxnode"), args.num(c.arg(3), line, "an address"),
                    (int) args.flags(c.arg(4), StraceArgs.MPOL_F, false, line, "MPOL_F_ flags")).ret());
            case "set_mempolicy_home_node" -> checked(c, numa.setMempolicyHomeNode(p.task,
                    args.num(c.arg(0), line, "an address"), args.num(c.arg(1), line, "a length"),
                    args.num(c.arg(2), line, "a node"), args.num(c.arg(3), line, "flags")));
            case "migrate_pages" -> checked(c, numa.migratePages(p.task, pid(args.num(c.arg(0), line, "a pid")),
                    args.num(c.arg(1), line, "maxnode"), args.mask(c.arg(2), line), args.mask(c.arg(3), line)));
            case "move_pages" -> checked(c, movePages(p.task, c, line));
            case "fork", "vfork", "clone", "clone3" -> fork(p, c);
            case "execve", "execveat" -> {
                if (c.ret() == 0 && !c.noReturn()) {
                    exec(p, c.pid());
                }
                count(calls, c.name());
            }
            case "exit", "exit_group" -> count(calls, c.name()); // the task goes at its "+++ exited" line
            default -> count(notModelled, c.name()); // wait4, kill, ...: no mm state the engine models
        }
    }

    /**
     * mprotect(2) by {@link MmOps#mprotect}. The program image, the interpreter, the vdso and the
     * stack are mapped by execve, not by a logged call, so ld.so's RELRO mprotects hit memory the
     * replay never mapped: a call that succeeded in the log on a range with no simulated VMA at
     * all is counted in the details and not compared.
     */
    private void mprotect(Task t, StraceEvent.Call c, long line) {
        long addr = args.num(c.arg(0), line, "an address");
        long len = args.num(c.arg(1), line, "a length");
        int prot = (int) args.flags(c.arg(2), StraceArgs.PROT, false, line, "PROT_ flags");
        long end = addr + ((len + Mm.PAGE_SIZE - 1) & -Mm.PAGE_SIZE);
        if (c.ret() == 0 && t.mm() != null && Long.compareUnsigned(end, addr) > 0
                && t.mm().intersecting(addr, end).isEmpty()) {
            count(calls, c.name());
            count(details, "mprotect of memory execve mapped (not replayed)");
            return;
        }
        checked(c, ops.mprotect(t, addr, len, prot));
    }

    private int pid(long loggedPid) {
        if (loggedPid == 0) {
            return 0;
        }
        Proc p = procs.get((int) loggedPid);
        return p == null ? (int) loggedPid : p.task.pid();
    }

    private long mmap(Task t, StraceEvent.Call c, long line) {
        long addr = args.num(c.arg(0), line, "an address");
        long len = args.num(c.arg(1), line, "a length");
        int prot = (int) args.flags(c.arg(2), StraceArgs.PROT, false, line, "PROT_ flags");
        long flags = args.flags(c.arg(3), StraceArgs.MAP_FLAGS, false, line, "MAP_ flags");
        long fd = args.num(c.arg(4), line, "a file descriptor");
        int f = (int) (flags & MAP_KEEP);
        f |= (int) (flags & MmOps.MAP_FIXED_NOREPLACE); // EEXIST on an overlap, as the kernel answers
        if (fd >= 0 && (flags & MmOps.MAP_ANONYMOUS) == 0) {
            f = (f & ~(MmOps.MAP_SHARED | MmOps.MAP_PRIVATE)) | MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS;
            count(details, "mmap(file as anon)");
        }
        if ((f & (MmOps.MAP_FIXED | MmOps.MAP_FIXED_NOREPLACE)) == 0 && c.ret() > 0) {
            addr = c.ret(); // rebuild the recorded layout: the address the program got is the hint
            count(details, FROM_LOG + "mmap: the logged address as the hint");
        }
        long r = ops.mmap(t, addr, len, prot, f, null, 0, null);
        if (r >= 0 && (flags & MAP_POPULATE) != 0) {
            ops.touch(t, r, len, (prot & MmOps.PROT_WRITE) != 0);
        }
        return r;
    }

    /**
     * brk(2) by {@link MmapSyscalls#brk}: the first brk of a program image tells where its heap
     * starts (the log's answer: the engine does not lay out program images).
     */
    private long brk(Proc proc, long want, StraceEvent.Call c) {
        if (!mm.hasBrk(proc.task)) {
            mm.setBrk(proc.task, c.ret());
            count(details, FROM_LOG + "brk: the heap's start");
        }
        return mm.brk(proc.task, want);
    }

    /** mremap(2) by {@link MmapSyscalls#mremap}, a moved mapping placed where the program's went. */
    private long mremap(Task t, StraceEvent.Call c, long line) {
        long old = args.num(c.arg(0), line, "an address");
        long oldLen = args.num(c.arg(1), line, "a length");
        long newLen = args.num(c.arg(2), line, "a length");
        int flags = (int) args.flags(c.arg(3), StraceArgs.MREMAP, false, line, "MREMAP_ flags");
        long newAddr = c.args().size() > 4 ? args.num(c.arg(4), line, "an address") : 0;
        if ((flags & MmapSyscalls.MREMAP_FIXED) == 0 && c.ret() > 0 && c.ret() != old) {
            count(details, FROM_LOG + "mremap: the logged address as the hint");
        }
        return mm.mremap(t, old, oldLen, newLen, flags, newAddr, c.ret() > 0 ? c.ret() : 0);
    }

    private long movePages(Task t, StraceEvent.Call c, long line) {
        int pid = pid(args.num(c.arg(0), line, "a pid"));
        long[] pages = args.array(c.arg(2), line, "the pages array");
        long[] nodes = args.array(c.arg(3), line, "the nodes array");
        int[] n = null;
        if (nodes != null) {
            n = new int[nodes.length];
            for (int i = 0; i < n.length; i++) {
                n[i] = (int) nodes[i];
            }
        }
        return numa.movePages(t, pid, pages == null ? new long[0] : pages, n,
                (int) args.flags(c.arg(5), StraceArgs.MPOL_MF, false, line, "MPOL_MF_ flags")).ret();
    }

    private void fork(Proc parent, StraceEvent.Call c) {
        count(calls, c.name());
        if (c.ret() < 0) {
            long[] guess = earlyChildren.remove(c.pid());
            if (guess != null) {
                contradicted(c, guess); // a failed clone made no child
            }
            return;
        }
        if (c.ret() == 0) {
            return; // the child's own "= 0" line
        }
        int child = (int) c.ret();
        long[] guess = earlyChildren.remove(c.pid());
        Proc p = procs.get(child);
        if (guess != null && guess[0] != child) {
            contradicted(c, guess);
        }
        if (p == null) {
            p = spawn(parent, c.name(), c.text(), child, c.line());
            if (p == null) {
                mismatch(c, -Errno.ENOMEM.code());
                return;
            }
        } else if (failedForks.remove(child)) {
            mismatch(c, -Errno.ENOMEM.code());
            return;
        }
        if (p.task != parent.task && p.task.pid() != child) {
            mismatch(c, p.task.pid());
        }
    }

    /**
     * A pid taken as the child of an unfinished clone that the clone's return contradicts (it
     * failed, or returned another pid): an unknown pid after all, an error when strict about pids.
     * Its task stays what the guess made of it.
     */
    private void contradicted(StraceEvent.Call c, long[] guess) {
        int pid = (int) guess[0];
        if (strictPids) {
            throw new TraceFormatException(file, c.line(), "pid " + pid + " (first seen at line " + guess[1]
                    + " while this " + c.name() + " was unfinished) is not the child it returned (" + c.ret()
                    + "): no fork, vfork, clone or clone3 of the log made it");
        }
        failedForks.remove(pid);
        unknownPids.putIfAbsent(pid, guess[1]);
        count(details, "child seen before a " + c.name() + " that " + (c.ret() < 0 ? "failed" : "returned another pid")
                + " (an unknown pid)");
    }

    /** The child {@code child} of a clone-family call of {@code parent}; null when the engine's fork fails. */
    private Proc spawn(Proc parent, String call, String text, int child, long line) {
        long flags = args.cloneFlags(call, text, line);
        if ((flags & CLONE_VM) != 0) {
            boolean vfork = (flags & CLONE_VFORK) != 0;
            if (vfork) {
                count(details, "vfork child (the parent's mm until execve or exit)");
            }
            return adopt(child, parent.task, vfork);
        }
        int pid = k.task(child) == null ? child : 0;
        count(details, FROM_LOG + "fork: the child's pid");
        String name = root.name() + "_" + child;
        Task t = ops.fork(parent.task, name, pid);
        if (t == null) {
            return null;
        }
        mm.forkBrk(parent.task, t);
        created.accept(name, t);
        return adopt(child, t, false);
    }

    /**
     * exec_mmap: the old mm goes; the new image's mappings follow in the log. A vfork child leaves
     * the mm it borrowed to its parent and gets a task and an mm of its own.
     */
    private void exec(Proc p, int pid) {
        if (p.borrowed) {
            Task parent = p.task;
            users.merge(parent, -1, Integer::sum);
            String name = root.name() + "_" + pid;
            Task t = k.spawn(name, k.task(pid) == null ? pid : 0, parent.cpu(), parent.uid(), parent.caps());
            t.setPolicy(parent.policy());
            t.setMemsAllowed(parent.memsAllowed());
            created.accept(name, t);
            adopt(pid, t, false);
            return;
        }
        Task t = p.task;
        if (t.mm() == null) {
            return;
        }
        for (Vma v : t.mm().vmas()) {
            ops.munmap(t, v.start(), v.end() - v.start());
        }
        mm.dropBrk(t);
    }

    private void exited(StraceEvent.Exited e) {
        Proc p = procs.remove(e.pid());
        if (p == null) {
            return;
        }
        int left = users.merge(p.task, -1, Integer::sum);
        if (left <= 0 && (exitRoot || p.task != root)) {
            users.remove(p.task);
            ops.exit(p.task);
            count(details, "exit (+++ " + e.how() + " +++)");
        }
    }

    private void checked(StraceEvent.Call c, long replayed) {
        count(calls, c.name());
        if (c.noReturn()) {
            return;
        }
        if (replayed != c.ret()) {
            mismatch(c, replayed);
        }
    }

    private void mismatch(StraceEvent.Call c, long replayed) {
        mismatchCount++;
        if (mismatches.size() < MAX_MISMATCHES_KEPT) {
            mismatches.add(new Mismatch(file, c.line(), c.text(), c.ret(), replayed));
        }
    }

    private static void count(Map<String, Long> m, String name) {
        m.merge(name, 1L, Long::sum);
    }

    /** Replayed calls by name (the modelled ones). */
    public Map<String, Long> calls() {
        return calls;
    }

    /**
     * How some replayed calls and events were taken, by name: mmaps of a file replayed as anonymous
     * memory, task exits by their {@code +++} line. Not calls of their own: no total sums them.
     */
    public Map<String, Long> details() {
        return details;
    }

    /** Calls the log holds that change no state the engine models (wait4, kill, ...), by name. */
    public Map<String, Long> notModelled() {
        return notModelled;
    }

    /** The first mismatches (at most 50). */
    public List<Mismatch> mismatches() {
        return mismatches;
    }

    public long mismatchCount() {
        return mismatchCount;
    }

    public long events() {
        return events;
    }

    /** Pids no call of the log made, other than the first, and the line each was first seen at. */
    public Map<Integer, Long> unknownPids() {
        return unknownPids;
    }

    /** The log's first pid (-1 before any line). */
    public int firstPid() {
        return firstPid;
    }
}
