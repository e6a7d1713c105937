package org.mmproto.core.scenario;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.config.Sizes;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.ProcFs;
import org.mmproto.core.policy.MemPolicy;
import org.mmproto.core.policy.NumaSyscalls;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.PidRef;
import org.mmproto.core.scenario.Expectations.Expectation;
import org.mmproto.core.scenario.Expectations.Item;
import org.mmproto.core.scenario.Expectations.Probe;
import org.mmproto.core.scenario.RunReport.ExpectationResult;
import org.mmproto.core.scenario.RunReport.InvariantViolation;
import org.mmproto.core.scenario.RunReport.NodeUsage;
import org.mmproto.core.scenario.RunReport.StepResult;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.Kernel;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.ShmemFile;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * Runs a {@link Scenario} against a freshly booted {@link Kernel} and produces a {@link RunReport}.
 * Steps run in order; each step's expectation is compared right after it. A syscall step without
 * a {@code result:} expectation is expected to succeed, so an unintended errno (a touch outside any
 * VMA, an mmap that failed) is reported at its line. The run is deterministic for a scenario and
 * seed: nothing depends on time or hash order.
 */
public final class ScenarioRunner {
    /** Observes a run as it goes (the CLI prints step lines and drives a progress bar). */
    public interface Listener {
        default void stepDone(StepResult step, List<ExpectationResult> expectations) {
        }

        default void repeatStarted(Step.Repeat step, long times) {
        }

        default void repeatProgress(long done) {
        }

        default void repeatDone() {
        }
    }

    private static final Listener NONE = new Listener() {
    };

    private final Scenario scenario;
    private Listener listener = NONE;

    // run state
    private Kernel k;
    private MmOps ops;
    private NumaSyscalls numa;
    private final Map<String, Task> tasks = new HashMap<>();
    private final Map<String, Long> mapAddr = new HashMap<>();
    private final Map<String, String> mapFailed = new HashMap<>();
    private final Map<String, ShmemFile> memfds = new HashMap<>();
    private final Map<String, Integer> memfdNumbers = new HashMap<>();
    private final Map<String, List<long[]>> groups = new HashMap<>();
    private int nextFd = 3;
    private Map<String, Long> startVmstat;
    private long[] startUsed;
    private long[] startPcp;
    private final RunSetup setup;
    private final String designName;
    private final List<PrivacyReport.Breach> breaches = new ArrayList<>();
    /** Indexes of breaches an expectation named (the others fail the run). */
    private final java.util.Set<Integer> acknowledged = new java.util.HashSet<>();
    /** Breaches the probe being evaluated counted; acknowledged if its expectation excludes 0. */
    private final List<Integer> pendingAck = new ArrayList<>();
    private final Map<String, long[]> pins = new java.util.HashMap<>();
    private int breachesSeen;
    private long[][] startNodeStat;

    public ScenarioRunner(Scenario scenario) {
        this(scenario, RunSetup.builtIn());
    }

    public ScenarioRunner(Scenario scenario, RunSetup setup) {
        this.scenario = scenario;
        this.setup = setup;
        this.designName = setup.designFor(scenario);
    }

    /** Boots the scenario's machine with the run's design and the scenario's driver bindings. */
    private Kernel bootKernel() {
        var designFactory = setup.designs().get(designName);
        if (designFactory == null) {
            throw new ConfigException(scenario.source(), 0, 0, "unknown design '" + designName + "'; installed designs: "
                    + String.join(", ", setup.designs().keySet()));
        }
        List<org.mmproto.core.hooks.DriverSpec> specs = new ArrayList<>();
        for (Scenario.DriverDecl d : scenario.drivers()) {
            var factory = setup.drivers().get(d.plugin());
            if (factory == null) {
                throw new ConfigException(scenario.source(), d.line(), 0, "no driver plugin '" + d.plugin()
                        + "' is loaded" + (setup.drivers().isEmpty() ? " (no plugins found; build them with `mvn package`"
                        + " or point --plugins at a directory of plugin jars)" : "; loaded: "
                        + String.join(", ", new java.util.TreeSet<>(setup.drivers().keySet()))));
            }
            specs.add(new org.mmproto.core.hooks.DriverSpec(setup.label(d.plugin()), factory, d.nid(), d.config(),
                    scenario.source(), d.line()));
        }
        return Kernel.boot(scenario.machine(), designFactory.get(), specs, setup.budget(),
                setup.context() != null ? setup.context()::constructing : c -> { });
    }

    /** Per-node invariant breaches recorded so far, attributed to the step lines that caused them. */
    private void collectBreaches(int line) {
        List<org.mmproto.core.hooks.PrivacyLedger.Breach> all = k.dispatcher().ledger().breaches();
        for (int i = breachesSeen; i < all.size(); i++) {
            var b = all.get(i);
            breaches.add(new PrivacyReport.Breach(line, b.kind(), b.nid(), b.pfn(), b.detail()));
        }
        breachesSeen = all.size();
    }

    public ScenarioRunner listener(Listener l) {
        this.listener = l == null ? NONE : l;
        return this;
    }

    /**
     * The expectation that applies under this run's design: the shared items plus the design's
     * own ({@code expect: {ops-struct: ok, gfp-flag: ENOMEM}}). A step with per-design
     * expectations but none for this design expects nothing of its result.
     */
    private Expectation forDesign(Expectation e) {
        if (e == null || e.perDesign().isEmpty()) {
            return e;
        }
        Expectation mine = e.perDesign().get(designName);
        if (mine == null) {
            mine = e.perDesign().get("others");
        }
        if (mine == null) {
            throw new ConfigException(scenario.source(), e.line(), 0, "the per-design expectation names "
                    + String.join(", ", new java.util.TreeSet<>(e.perDesign().keySet())) + " but not " + designName
                    + ", the design of this run: name every design it must hold for, or add `others:`");
        }
        List<Item> items = new ArrayList<>(e.items());
        if (mine != null) {
            items.addAll(mine.items());
        }
        return new Expectation(e.line(), items, true, Map.of());
    }

    /** Thrown inside a step that cannot run (a mapping whose mmap failed); becomes result "error". */
    private static final class StepError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepError(String message) {
            super(message, null, false, false);
        }
    }

    /** What a step did, before expectations are compared. */
    private static final class Outcome {
        String result;
        Long value;
        String summary = "";
        final Map<String, Object> fields = new LinkedHashMap<>();
        Map<String, Long> before;

        static Outcome raw(long v) {
            Outcome o = new Outcome();
            o.value = v;
            o.result = Expectations.resultName(v);
            return o;
        }

        static Outcome status(String result) {
            Outcome o = new Outcome();
            o.result = result;
            return o;
        }
    }

    /** An exception a step's engine code threw (see {@link #exceptions()}). */
    public record StepException(int line, String op, Throwable error) {
    }

    private final List<StepException> exceptions = new ArrayList<>();

    /** The exceptions steps threw in the last {@link #run()}; each also failed the run. */
    public List<StepException> exceptions() {
        return List.copyOf(exceptions);
    }

    public RunReport run() {
        exceptions.clear();
        k = bootKernel();
        Kernel.ThpMode thp = effectiveThp(scenario);
        k.setThp(thp);
        ops = k.mmOps();
        numa = new NumaSyscalls(k);
        for (Scenario.TaskDecl d : scenario.tasks()) {
            Task t;
            try {
                t = k.spawn(d.name(), d.pid(), d.cpu(), d.uid(), d.caps());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(scenario.source(), d.line(), 0, "task '" + d.name() + "': " + e.getMessage());
            }
            if (d.mems() != null) {
                t.setMemsAllowed(d.mems());
            }
            tasks.put(d.name(), t);
        }
        PhysicalMemory mem = k.mem();
        startVmstat = vmstat();
        startUsed = new long[mem.nodeCount()];
        startPcp = new long[mem.nodeCount()];
        startNodeStat = new long[mem.nodeCount()][];
        for (Node n : mem.nodes()) {
            startUsed[n.nid()] = usedPages(n);
            startPcp[n.nid()] = pcpPages(n);
            startNodeStat[n.nid()] = nodeStats(n);
        }

        List<StepResult> steps = new ArrayList<>();
        List<ExpectationResult> expectations = new ArrayList<>();
        List<InvariantViolation> invariants = new ArrayList<>();
        for (Step s : scenario.steps()) {
            Expectation e = s.meta().expect();
            Outcome o;
            Map<String, Long> before = e != null && hasStepScope(e) ? vmstat() : null;
            try {
                o = execute(s, invariants);
            } catch (StepError err) {
                o = Outcome.status("error");
                o.summary = s.op() + ": " + err.getMessage();
                o.fields.put("error", err.getMessage());
            } catch (UnsupportedOperationException err) {
                o = Outcome.status("unsupported");
                o.summary = s.op() + ": not implemented by the engine yet (" + err.getMessage() + ")";
                o.fields.put("error", "not implemented by the engine yet (" + err.getMessage() + ")");
            } catch (ConfigException err) {
                throw err;
            } catch (RuntimeException | StackOverflowError | AssertionError err) {
                // an engine bug: never a pass, whatever the step expected (also result: any)
                o = Outcome.status("exception");
                o.summary = s.op() + ": the engine threw " + err;
                o.fields.put("error", err.toString());
                exceptions.add(new StepException(s.line(), s.op(), err));
            }
            o.before = before;
            collectBreaches(s.line());
            List<ExpectationResult> mine = evaluate(s, o);
            if ("exception".equals(o.result)) {
                mine.add(new ExpectationResult(s.line(), s.line(), false, false, "engine", "no exception",
                        String.valueOf(o.fields.get("error")), s.op() + " threw " + o.fields.get("error")
                        + " (an engine bug, not an errno; -v prints the stack trace)"));
            }
            if (s instanceof Step.ExpectOnly) {
                o.result = mine.stream().allMatch(ExpectationResult::passed) ? "ok" : "failed";
            }
            expectations.addAll(mine);
            StepResult r = new StepResult(s.line(), s.op(), s.meta().label(), s.task(), o.result, o.value, o.summary,
                    o.fields);
            steps.add(r);
            if (scenario.checkEachStep() && !(s instanceof Step.Check)) {
                for (DebugVm.Violation v : DebugVm.check(k.mem())) {
                    invariants.add(new InvariantViolation(s.line(), v.kind(), v.pfn(), v.detail()));
                }
            }
            listener.stepDone(r, mine);
        }
        for (DebugVm.Violation v : DebugVm.check(k.mem())) {
            invariants.add(new InvariantViolation(0, v.kind(), v.pfn(), v.detail()));
        }
        Map<String, Long> end = vmstat();
        Map<String, Long> delta = new LinkedHashMap<>();
        end.forEach((key, v) -> delta.put(key, v - startVmstat.get(key)));
        List<NodeUsage> nodes = new ArrayList<>();
        for (Node n : mem.nodes()) {
            long used = usedPages(n);
            Map<String, Long> nv = new LinkedHashMap<>();
            nv.put("nr_free_pages", n.freePages());
            for (VmStat v : VmStat.values()) {
                nv.put(v.key(), n.vmstat(v));
            }
            nodes.add(new NodeUsage(n.nid(), n.managedPages(), n.freePages(), pcpPages(n), used, used - startUsed[n.nid()],
                    NodeMask.formatList(n.cpus().stream().mapToInt(Integer::intValue).toArray()), n.isPrivate(),
                    n.inNMemory(), nv));
        }
        return new RunReport(scenario.name(), scenario.source(), scenario.description(), scenario.machine().name(),
                scenario.machine().source(), scenario.seed(), thp.name().toLowerCase(java.util.Locale.ROOT), steps,
                expectations, invariants, end, delta, nodes, PrivacyReport.of(k.dispatcher(), breaches, acknowledged));
    }

    /** The scenario's thp:, else the machine's transparent_hugepage (always unless never). */
    public static Kernel.ThpMode effectiveThp(Scenario s) {
        return s.thp() != null ? s.thp()
                : s.machine().vm().thpEnabled() ? Kernel.ThpMode.ALWAYS : Kernel.ThpMode.NEVER;
    }

    private static boolean hasStepScope(Expectation e) {
        for (Item i : e.items()) {
            if (i.probe() instanceof Expectations.Vmstat v && v.scope() == Expectations.Scope.STEP) {
                return true;
            }
        }
        return false;
    }

    // ---- counters -----------------------------------------------------------------------------

    private Map<String, Long> vmstat() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("nr_free_pages", k.mem().totalFreePages());
        for (VmStat v : VmStat.values()) {
            m.put(v.key(), k.mem().vmstat(v));
        }
        return m;
    }

    /** Free pages sitting on the node's per-CPU lists (neither in NR_FREE_PAGES nor in use). */
    static long pcpPages(Node n) {
        long c = 0;
        for (org.mmproto.core.mm.Zone z : n.zones()) {
            c += z.pcpPages();
        }
        return c;
    }

    /** Pages in allocated folios: managed - NR_FREE_PAGES - per-CPU-list pages. */
    static long usedPages(Node n) {
        return n.managedPages() - n.freePages() - pcpPages(n);
    }

    private static long[] nodeStats(Node n) {
        long[] a = new long[VmStat.COUNT + 1];
        a[0] = n.freePages();
        for (VmStat v : VmStat.values()) {
            a[v.ordinal() + 1] = n.vmstat(v);
        }
        return a;
    }

    // ---- steps --------------------------------------------------------------------------------

    private Outcome execute(Step step, List<InvariantViolation> invariants) {
        if (step instanceof Step.Mmap s) {
            Task t = task(s.task());
            long addr = resolve(s.addr());
            ShmemFile f = s.fd() == null ? null : memfds.get(s.fd());
            long r = ops.mmap(t, addr, s.length().value(), (int) s.prot(), (int) s.flags(), f, s.offset(), s.name());
            if (s.name() != null) {
                if (r >= 0) {
                    mapAddr.put(s.name(), r);
                    mapFailed.remove(s.name());
                } else {
                    mapAddr.remove(s.name());
                    mapFailed.put(s.name(), "the mmap at line " + s.line() + " that names it failed with "
                            + Expectations.resultName(r));
                }
            }
            Outcome o = Outcome.raw(r);
            if (r >= 0) {
                o.fields.put("addr", hex(r));
            }
            o.summary = (s.name() != null ? s.name() + " = " : "") + "mmap(" + (addr == 0 ? "NULL" : hex(addr)) + ", "
                    + s.length() + ", " + Flags.PROT.format(s.prot()) + ", " + Flags.MAP.format(s.flags()) + ", "
                    + (s.fd() == null ? "-1" : s.fd() + "=" + memfdNumbers.get(s.fd())) + ", " + s.offset() + ")"
                    + " = " + (r >= 0 ? hex(r) : "-" + Expectations.resultName(r));
            return o;
        } else if (step instanceof Step.Munmap s) {
            long a = resolve(s.addr());
            Outcome o = Outcome.raw(ops.munmap(task(s.task()), a, s.length().value()));
            o.summary = call("munmap", o, at(s.addr(), a), s.length());
            return o;
        } else if (step instanceof Step.Madvise s) {
            long a = resolve(s.addr());
            Outcome o = Outcome.raw(ops.madvise(task(s.task()), a, s.length().value(), (int) s.advice()));
            o.summary = call("madvise", o, at(s.addr(), a), s.length(), Flags.MADV.format(s.advice()));
            return o;
        } else if (step instanceof Step.MemfdCreate s) {
            ShmemFile f = ops.memfdCreate(task(s.task()), s.name(), s.size());
            int fd = nextFd++;
            memfds.put(s.name(), f);
            memfdNumbers.put(s.name(), fd);
            Outcome o = Outcome.raw(fd);
            o.fields.put("fd", (long) fd);
            o.summary = s.name() + " = memfd_create(\"" + s.name() + "\") = " + fd + "; ftruncate(" + fd + ", "
                    + Sizes.format(s.size()) + ")";
            return o;
        } else if (step instanceof Step.Touch s) {
            Task t = task(s.task());
            long a = resolve(s.addr());
            int r = ops.touch(t, a, s.length().value(), s.write());
            Outcome o = Outcome.raw(r);
            o.summary = (s.write() ? "write " : "read ") + at(s.addr(), a) + " .. +" + s.length()
                    + (r == 0 ? "" : " = -" + Expectations.resultName(r));
            if (r < 0) {
                o.fields.put("fault", faultDetail(t, a, s.length().value(), s.write(), r));
            }
            return o;
        } else if (step instanceof Step.NestedAlloc s) {
            return nestedAlloc(s);
        } else if (step instanceof Step.Fork s) {
            Task parent = task(s.task());
            Task child;
            try {
                child = ops.fork(parent, s.child(), s.pid());
            } catch (IllegalArgumentException e) {
                throw new StepError(e.getMessage());
            }
            if (child == null) {
                Outcome o = Outcome.raw(-Errno.ENOMEM.code());
                o.summary = "fork() = -ENOMEM (vm.overcommit_memory refused the child's accounted mappings)";
                return o;
            }
            tasks.put(s.child(), child);
            Outcome o = Outcome.raw(child.pid());
            o.fields.put("pid", (long) child.pid());
            o.summary = "fork() = " + child.pid() + " (" + s.child() + ")";
            return o;
        } else if (step instanceof Step.Exit s) {
            ops.exit(task(s.task()));
            Outcome o = Outcome.raw(0);
            o.summary = "exit()";
            return o;
        } else if (step instanceof Step.SetCredentials s) {
            Task t = task(s.task());
            t.setCredentials(s.uid() != null ? s.uid() : t.uid(), s.caps() != null ? s.caps() : t.caps());
            Outcome o = Outcome.raw(0);
            o.summary = "uid " + t.uid() + ", caps " + (t.caps().isEmpty() ? "none" : String.join(",",
                    new java.util.TreeSet<>(t.caps())));
            return o;
        } else if (step instanceof Step.Cpuset s) {
            task(s.task()).setMemsAllowed(s.mems());
            Outcome o = Outcome.raw(0);
            o.summary = "cpuset.mems = " + s.mems();
            return o;
        } else if (step instanceof Step.SetMempolicy s) {
            Outcome o = Outcome.raw(numa.setMempolicy(task(s.task()), (int) s.mode(), s.nodemask().toUserMask(s.maxnode()),
                    s.maxnode()));
            o.summary = call("set_mempolicy", o, Flags.MPOL_MODE.format(s.mode()), s.nodemask(), s.maxnode());
            return o;
        } else if (step instanceof Step.GetMempolicy s) {
            long a = resolve(s.addr());
            NumaSyscalls.GetMempolicyResult r = numa.getMempolicy(task(s.task()), s.wantMask(), s.maxnode(), a,
                    (int) s.flags());
            Outcome o = Outcome.raw(r.ret());
            String shownMode = "";
            if (r.ret() >= 0) {
                o.fields.put("mode", (long) r.mode());
                boolean nodeOut = (s.flags() & MemPolicy.MPOL_F_NODE) != 0;
                shownMode = nodeOut ? "node " + r.mode() : Flags.MPOL_MODE.format(r.mode());
                o.fields.put("mode_text", shownMode);
                if (r.nodemask() != null) {
                    o.fields.put("nodemask", Args.formatWords(r.nodemask()));
                }
            }
            o.summary = call("get_mempolicy", o, "&mode", s.wantMask() ? "buf" : "NULL", s.maxnode(),
                    a == 0 ? "0" : at(s.addr(), a), Flags.GET_MEMPOLICY.format(s.flags()))
                    + (r.ret() >= 0 ? ": mode " + shownMode + (r.nodemask() != null ? ", nodemask ["
                    + Args.formatWords(r.nodemask()) + "]" : "") : "");
            return o;
        } else if (step instanceof Step.Mbind s) {
            long a = resolve(s.addr());
            Outcome o = Outcome.raw(numa.mbind(task(s.task()), a, s.length().value(), (int) s.mode(),
                    s.nodemask().toUserMask(s.maxnode()), s.maxnode(), (int) s.flags()));
            o.summary = call("mbind", o, at(s.addr(), a), s.length(), Flags.MPOL_MODE.format(s.mode()), s.nodemask(),
                    s.maxnode(), Flags.MPOL_MF.format(s.flags()));
            return o;
        } else if (step instanceof Step.MigratePages s) {
            int pid = pid(s.pid());
            Outcome o = Outcome.raw(numa.migratePages(task(s.task()), pid, s.maxnode(), s.oldNodes().toUserMask(s.maxnode()),
                    s.newNodes().toUserMask(s.maxnode())));
            o.summary = call("migrate_pages", o, pid + pidName(s.pid()), s.maxnode(), s.oldNodes(), s.newNodes());
            return o;
        } else if (step instanceof Step.MovePages s) {
            int pid = pid(s.pid());
            long[] pages = new long[s.pages().size()];
            for (int i = 0; i < pages.length; i++) {
                pages[i] = resolve(s.pages().get(i));
            }
            NumaSyscalls.MovePagesResult r = numa.movePages(task(s.task()), pid, pages, s.nodes(), (int) s.flags());
            Outcome o = Outcome.raw(r.ret());
            if (r.status() != null) {
                List<Object> st = new ArrayList<>();
                for (int v : r.status()) {
                    st.add(v == Integer.MIN_VALUE ? null : (Object) (long) v);
                }
                o.fields.put("status", st);
            }
            o.summary = call("move_pages", o, pid + pidName(s.pid()), pages.length, "[" + joinAddrs(s.pages(), pages)
                    + "]", s.nodes() == null ? "NULL" : java.util.Arrays.toString(s.nodes()), "status",
                    Flags.MPOL_MF.format(s.flags()))
                    + (o.fields.containsKey("status") ? ": status " + Expectations.describeActual(new Expectations.Field("status"),
                    o.fields.get("status")) : "");
            return o;
        } else if (step instanceof Step.SetMempolicyHomeNode s) {
            long a = resolve(s.addr());
            Outcome o = Outcome.raw(numa.setMempolicyHomeNode(task(s.task()), a, s.length().value(), s.homeNode(),
                    s.flags()));
            o.summary = call("set_mempolicy_home_node", o, at(s.addr(), a), s.length(), s.homeNode(), s.flags());
            return o;
        } else if (step instanceof Step.AllocPages s) {
            return allocPages(s);
        } else if (step instanceof Step.FreePages s) {
            List<long[]> g = groups.getOrDefault(s.name(), new ArrayList<>());
            long pages = 0;
            for (long[] a : g) {
                k.alloc().freePages(a[0], (int) a[1]);
                pages += 1L << a[1];
            }
            int n = g.size();
            g.clear();
            Outcome o = Outcome.raw(0);
            o.fields.put("freed", (long) n);
            o.summary = "__free_pages x" + n + " (" + s.name() + ", " + pages + " pages)";
            return o;
        } else if (step instanceof Step.PinUserPages s) {
            Task t = task(s.task());
            long a = resolve(s.addr());
            long len = s.length().value();
            long nr = (len + 4095) >>> 12;
            // a negative, wrapping or >2^31-page length is EINVAL, not a pin of the truncated count
            int pages = len < 0 || len + 4095 < len || nr > Integer.MAX_VALUE ? 0 : (int) nr;
            int[] err = new int[1];
            long[] heads = new org.mmproto.core.gup.Gup(k).pin(t, a, pages, (int) s.gupFlags(), err);
            Outcome o = Outcome.raw(heads == null ? err[0] : pages);
            String flags = Flags.FOLL.format(s.gupFlags());
            if (heads == null) {
                o.summary = "pin_user_pages(" + at(s.addr(), a) + ", " + pages + ", " + flags + ") = -"
                        + Expectations.resultName(err[0]);
                return o;
            }
            List<Long> landed = new ArrayList<>();
            for (long h : heads) {
                landed.add((long) k.memmap().nid(h));
            }
            o.fields.put("landed", landed);
            if (s.name() != null) {
                pins.put(s.name(), heads);
            }
            o.summary = "pin_user_pages(" + at(s.addr(), a) + ", " + pages + ", " + flags + ") = " + pages
                    + (s.name() == null ? "" : " (" + s.name() + ")");
            return o;
        } else if (step instanceof Step.MemoryFailureStep s) {
            Task t = task(s.task());
            long a = resolve(s.addr());
            long folio = ops.folioAt(t, a);
            if (folio < 0) {
                throw new StepError("nothing is mapped at " + at(s.addr(), a) + " to poison");
            }
            int r = new org.mmproto.core.task.MemoryFailure(k).poison(folio);
            Outcome o = Outcome.raw(r);
            o.summary = String.format("memory_failure(pfn 0x%x, node %d) at %s", folio, k.memmap().nid(folio), at(s.addr(), a))
                    + (r == 0 ? "" : " = -" + Expectations.resultName(r));
            return o;
        } else if (step instanceof Step.UnpinUserPages s) {
            // like free_pages of an empty group: a pin that failed left nothing to undo
            long[] heads = pins.getOrDefault(s.name(), new long[0]);
            pins.remove(s.name());
            new org.mmproto.core.gup.Gup(k).unpin(heads);
            Outcome o = Outcome.raw(0);
            o.summary = "unpin_user_pages(" + s.name() + ", " + heads.length + ")";
            return o;
        } else if (step instanceof Step.DrainPages) {
            long before = k.mem().totalPcpPages();
            k.alloc().drainAllPages();
            Outcome o = Outcome.raw(0);
            o.fields.put("drained", before);
            o.summary = "drain_all_pages: " + before + " pages from the per-cpu lists back to the buddy allocator";
            return o;
        } else if (step instanceof Step.Check s) {
            List<DebugVm.Violation> v = DebugVm.check(k.mem());
            for (DebugVm.Violation x : v) {
                invariants.add(new InvariantViolation(s.line(), x.kind(), x.pfn(), x.detail()));
            }
            Outcome o = Outcome.status(v.isEmpty() ? "ok" : "violated");
            o.fields.put("violations", (long) v.size());
            o.summary = v.isEmpty() ? "invariants hold" : v.size() + " invariant violations, first: " + v.get(0);
            return o;
        } else if (step instanceof Step.ExpectOnly) {
            Outcome o = Outcome.status("ok");
            o.summary = "expect";
            return o;
        } else if (step instanceof Step.Repeat s) {
            return repeat(s);
        } else if (step instanceof Step.Show s) {
            Outcome o = Outcome.status("ok");
            String text = show(s);
            o.fields.put("text", text);
            o.summary = "show " + s.what() + (s.task() != null ? " " + s.task() : "");
            return o;
        }
        throw new IllegalStateException("unhandled step " + step);
    }

    private Outcome nestedAlloc(Step.NestedAlloc s) {
        Task t = task(s.task());
        long a = resolve(s.addr());
        long[] nested = {Long.MIN_VALUE, -1};
        k.alloc().armNested(new org.mmproto.core.mm.PageAllocator.NestedAlloc() {
            @Override
            public int gfp() {
                return s.gfp();
            }

            @Override
            public int order() {
                return s.order();
            }

            @Override
            public void done(long pfnOrErrno, int outerNid) {
                nested[0] = pfnOrErrno;
                nested[1] = outerNid;
            }
        });
        int r;
        try {
            r = ops.touch(t, a, s.length().value(), s.write());
        } finally {
            k.alloc().armNested(null);
        }
        Outcome o = Outcome.raw(r);
        List<Object> landed = new ArrayList<>();
        String what;
        if (nested[0] == Long.MIN_VALUE) {
            what = "never fired (no allocation took pages of a private node)";
        } else if (nested[0] < 0) {
            landed.add(nested[0]);
            what = "failed with " + Expectations.resultName(nested[0]);
        } else {
            int on = k.mem().zoneOf(nested[0]).nid();
            landed.add((long) on);
            what = "landed on node " + on;
            if (s.name() != null) {
                groups.computeIfAbsent(s.name(), x -> new ArrayList<>()).add(new long[] {nested[0], s.order()});
            }
        }
        o.fields.put("landed", landed);
        o.summary = (s.write() ? "write " : "read ") + at(s.addr(), a) + " .. +" + s.length()
                + (r == 0 ? "" : " = -" + Expectations.resultName(r)) + "; nested alloc_pages("
                + org.mmproto.api.Gfp.of(s.gfp()) + ", order " + s.order() + ")"
                + (nested[1] >= 0 ? " inside the allocation on node " + nested[1] : "") + " " + what;
        return o;
    }

    private Outcome allocPages(Step.AllocPages s) {
        int localNid = k.cpuToNode(s.cpu());
        int nodes = k.mem().nodeCount();
        List<Object> landed = new ArrayList<>();
        TreeMap<String, Long> byNode = new TreeMap<>();
        long firstError = 0;
        long ok = 0;
        List<long[]> g = s.name() != null ? groups.computeIfAbsent(s.name(), x -> new ArrayList<>()) : new ArrayList<>();
        for (int c = 0; c < s.count(); c++) {
            for (int i = 0; i < (s.nid() == null ? nodes : 1); i++) {
                int nid = s.nid() == null ? i : s.nid();
                long pfn = k.alloc().allocPages(s.gfp(), s.order(), nid, s.nodemask(), localNid);
                if (pfn >= 0) {
                    int on = k.mem().zoneOf(pfn).nid();
                    landed.add((long) on);
                    byNode.merge(Integer.toString(on), 1L, Long::sum);
                    g.add(new long[] {pfn, s.order()});
                    ok++;
                } else {
                    landed.add(pfn);
                    byNode.merge(Expectations.errnoName(-pfn), 1L, Long::sum);
                    if (firstError == 0) {
                        firstError = pfn;
                    }
                }
            }
        }
        Outcome o = Outcome.raw(firstError);
        if (landed.size() <= 4096) {
            o.fields.put("landed", landed);
        }
        o.fields.put("landed_by_node", new LinkedHashMap<>(byNode));
        o.fields.put("allocated", ok);
        String gfpText = org.mmproto.api.Gfp.of(s.gfp()).toString();
        o.summary = (s.name() != null ? s.name() + " += " : "") + "alloc_pages(" + gfpText + ", order " + s.order()
                + ", nid " + (s.nid() == null ? "each" : s.nid()) + (s.nodemask() != null ? ", nodemask "
                + s.nodemask() : "") + ")" + (s.count() > 1 ? " x" + s.count() : "") + ": "
                + (landed.size() <= 16 ? "landed " + Expectations.describeActual(new Expectations.Field("landed"), landed)
                : "by node " + byNode);
        return o;
    }

    private Outcome repeat(Step.Repeat s) {
        Workloads.Spec w = s.workload();
        long seed = s.seed() != null ? s.seed() : deriveSeed(scenario.seed(), s.line());
        Task t = w.task() != null ? task(w.task()) : null;
        long start = w.addr() != null ? resolve(w.addr()) : 0;
        long len = w.length() != null ? w.length().value() : 0;
        List<long[]> g = w.name() != null ? groups.computeIfAbsent(w.name(), x -> new ArrayList<>()) : new ArrayList<>();
        listener.repeatStarted(s, s.times());
        Workloads.Outcome r;
        try {
            r = Workloads.run(k, w, t, start, len, s.times(), seed, g, listener::repeatProgress);
        } finally {
            listener.repeatDone();
        }
        Outcome o = Outcome.raw(r.firstError());
        o.fields.put("seed", seed);
        o.fields.put("iterations", r.iterations());
        o.fields.put("touches", r.touches());
        o.fields.put("writes", r.writes());
        o.fields.put("frees", r.frees());
        o.fields.put("allocs", r.allocs());
        o.fields.put("errors", r.errors());
        StringBuilder sb = new StringBuilder(w.kind().key()).append(" x").append(s.times()).append(" (seed ")
                .append(seed).append("): ");
        if (w.kind().userMemory()) {
            sb.append(r.touches()).append(" touches (").append(r.writes()).append(" writes)");
            if (w.kind() == Workloads.Kind.TOUCH_FREE) {
                sb.append(", ").append(r.frees()).append(" MADV_DONTNEED");
            }
        } else {
            sb.append(r.allocs()).append(" allocs, ").append(r.frees()).append(" frees, ").append(g.size())
                    .append(" held");
        }
        if (r.errors() > 0) {
            sb.append(", ").append(r.errors()).append(" failed (first ").append(Expectations.resultName(r.firstError()))
                    .append(")");
        }
        o.summary = sb.toString();
        return o;
    }

    static long deriveSeed(long seed, int line) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (line + 1))).nextLong();
    }

    private String show(Step.Show s) {
        PhysicalMemory mem = k.mem();
        switch (s.what()) {
            case "vmstat":
                return ProcFs.vmstat(mem);
            case "buddyinfo":
                return ProcFs.buddyinfo(mem);
            case "pagetypeinfo":
                return ProcFs.pagetypeinfo(mem);
            case "zoneinfo":
                return ProcFs.zoneWatermarks(mem);
            case "numactl":
                return ProcFs.numactlHardware(mem);
            case "meminfo": {
                StringBuilder sb = new StringBuilder(ProcFs.meminfo(mem, k.overcommit().commitLimitPages(),
                        k.overcommit().committedPages()));
                for (Node n : mem.nodes()) {
                    sb.append(ProcFs.nodeMeminfo(mem, n.nid()));
                }
                return sb.toString();
            }
            case "numastat": {
                StringBuilder sb = new StringBuilder();
                for (Node n : mem.nodes()) {
                    sb.append("# node").append(n.nid()).append('\n').append(ProcFs.numastat(mem, n.nid()));
                }
                return sb.toString();
            }
            case "maps":
                return maps(tasks.get(s.task()));
            case "numa_maps":
                return org.mmproto.core.policy.NumaMaps.render(k, tasks.get(s.task()));
            default:
                throw new IllegalStateException(s.what());
        }
    }

    /** One line per VMA: range, backing, label, then resident pages per node (N0=...), like numa_maps' tail. */
    private String maps(Task t) {
        if (t.mm() == null) {
            return "(" + t + " has exited)\n";
        }
        StringBuilder sb = new StringBuilder();
        for (Vma v : t.mm().vmas()) {
            long[] c = resident(t, v.start(), v.end() - v.start());
            sb.append(String.format("%x-%x %s%s", v.start(), v.end(), v.backing().name().toLowerCase(java.util.Locale.ROOT),
                    v.label() != null ? " " + v.label() : ""));
            if (v.file() != null) {
                sb.append(" file=/").append(v.file().name());
            }
            if ((v.flags() & Vma.VM_HUGEPAGE) != 0) {
                sb.append(" hugepage");
            }
            if ((v.flags() & Vma.VM_NOHUGEPAGE) != 0) {
                sb.append(" nohugepage");
            }
            if (c[0] > 0) {
                sb.append(" pages=").append(c[0]);
            }
            if (c[1] > 0) {
                sb.append(" zero=").append(c[1]);
            }
            if (c[2] > 0) {
                sb.append(" huge=").append(c[2]);
            }
            for (int nid = 0; nid < k.mem().nodeCount(); nid++) {
                if (c[3 + nid] > 0) {
                    sb.append(" N").append(nid).append('=').append(c[3 + nid]);
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    // ---- names, addresses, pids ---------------------------------------------------------------

    private Task task(String name) {
        Task t = tasks.get(name);
        if (t == null) {
            throw new StepError("task '" + name + "' was not created (its fork failed)");
        }
        return t;
    }

    private long resolve(Addr a) {
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

    private int pid(PidRef p) {
        if (p.task() == null) {
            return (int) p.number();
        }
        return task(p.task()).pid();
    }

    private static String pidName(PidRef p) {
        return p.task() != null ? "(" + p.task() + ")" : "";
    }

    private static String at(Addr a, long resolved) {
        return a.mapping() == null ? hex(resolved) : a.text() + "=" + hex(resolved);
    }

    private static String joinAddrs(List<Addr> as, long[] resolved) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < resolved.length; i++) {
            parts.add(as.get(i).mapping() != null ? as.get(i).text() : hex(resolved[i]));
        }
        return String.join(", ", parts);
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String call(String name, Outcome o, Object... args) {
        StringBuilder sb = new StringBuilder(name).append('(');
        for (int i = 0; i < args.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(args[i]);
        }
        sb.append(") = ");
        long v = o.value;
        sb.append(Expectations.isErrno(v) ? "-" + Expectations.errnoName(-v) : Long.toString(v));
        return sb.toString();
    }

    /** Why a touch failed, as the kernel would see it. */
    private String faultDetail(Task t, long addr, long len, boolean write, int r) {
        if (r == -Errno.ENOMEM.code()) {
            return "out of memory at the fault (VM_FAULT_OOM): the kernel would run the OOM killer";
        }
        if (r != -Errno.EFAULT.code()) {
            return "the fault failed with " + Expectations.resultName(r);
        }
        Mm mm = t.mm();
        long end = addr + len;
        for (long a = addr & -4096L; Long.compareUnsigned(a, end) < 0; a += 4096) {
            Vma v = mm == null ? null : mm.find(a);
            if (v == null) {
                return "no VMA at " + hex(a) + ": a real access would get SIGSEGV";
            }
            if ((v.flags() & Vma.VM_READ) == 0) {
                return "VMA " + hex(v.start()) + "-" + hex(v.end()) + " is not readable (PROT_NONE) at " + hex(a)
                        + ": SIGSEGV";
            }
            if (write && (v.flags() & Vma.VM_WRITE) == 0) {
                return "VMA " + hex(v.start()) + "-" + hex(v.end()) + " is not writable at " + hex(a) + ": SIGSEGV";
            }
            if (v.file() != null && v.fileIndex(a) >= v.file().sizePages()) {
                return hex(a) + " is beyond the end of " + v.file().name() + ": SIGBUS";
            }
        }
        return "the access faulted (EFAULT)";
    }

    /** Counts over [start, start+len) of a task: {pages, zero, huge, pages on node 0, node 1, ...}. */
    private long[] resident(Task t, long start, long len) {
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

    // ---- expectations -------------------------------------------------------------------------

    private List<ExpectationResult> evaluate(Step s, Outcome o) {
        List<ExpectationResult> out = new ArrayList<>();
        Expectation e = forDesign(s.meta().expect());
        boolean syscallLike = !(s instanceof Step.Check || s instanceof Step.ExpectOnly || s instanceof Step.Show);
        boolean failedToRun = o.value == null && !"ok".equals(o.result) && !(s instanceof Step.Check);
        if (syscallLike && (e == null || !e.hasResult())) {
            boolean failed = failedToRun || (o.value != null && Expectations.isErrno(o.value));
            if (failed) {
                String got = o.value != null ? Expectations.resultName(o.value) : o.result;
                StringBuilder d = new StringBuilder(s.op()).append(" failed with ").append(got);
                Object why = o.fields.containsKey("fault") ? o.fields.get("fault") : o.fields.get("error");
                if (why != null) {
                    d.append(": ").append(why);
                }
                if (o.value != null) {
                    d.append("; the step has no expected result (write 'expect: ").append(got)
                            .append("' if the error is intended)");
                }
                out.add(new ExpectationResult(s.line(), s.line(), false, true, "result", "ok", got, d.toString()));
            }
        } else if (failedToRun && e != null && e.hasResult()) {
            // the result item below fails with the reason as the actual value
            o.fields.putIfAbsent("error", o.result);
        }
        if (e == null) {
            return out;
        }
        for (Item i : e.items()) {
            Object actual;
            try {
                actual = read(i.probe(), s, o);
            } catch (StepError | IllegalStateException | IllegalArgumentException err) {
                out.add(new ExpectationResult(s.line(), i.line(), false, false, i.probe().describe(),
                        i.expected().describe(), "unreadable", s.op() + " " + i.probe().describe()
                        + ": cannot be read: " + err.getMessage()));
                continue;
            }
            boolean passed = i.expected().test(actual);
            // a breaches expectation names them only if it could not hold without them (">= 0" waives nothing)
            if (i.probe() instanceof Expectations.Breaches && !i.expected().test(0L)) {
                acknowledged.addAll(pendingAck);
            }
            pendingAck.clear();
            String actualText = actual == null && i.probe() instanceof Expectations.Result
                    ? o.result + (o.fields.get("error") != null ? " (" + o.fields.get("error") + ")" : "")
                    : Expectations.describeActual(i.probe(), actual);
            String detail = s.op() + " " + i.probe().describe() + ": expected " + i.expected().describe() + ", got "
                    + actualText;
            if (!passed && i.probe() instanceof Expectations.Result && o.fields.get("fault") != null) {
                detail += " (" + o.fields.get("fault") + ")";
            }
            out.add(new ExpectationResult(s.line(), i.line(), passed, false, i.probe().describe(),
                    i.expected().describe(), actualText, detail));
        }
        return out;
    }

    private Object read(Probe p, Step s, Outcome o) {
        if (p instanceof Expectations.Result) {
            return o.value;
        }
        if (p instanceof Expectations.HookCalls h) {
            long n = 0;
            for (org.mmproto.api.driver.Site site : org.mmproto.api.driver.Site.values()) {
                for (var e : k.dispatcher().stats().hooksAt(site).entrySet()) {
                    if (e.getKey().kernelName().equals(h.hook())) {
                        n += e.getValue().consulted();
                    }
                }
            }
            return n;
        }
        if (p instanceof Expectations.Breaches b) {
            boolean whole = s instanceof Step.ExpectOnly;
            long n = 0;
            for (int i = 0; i < breaches.size(); i++) {
                PrivacyReport.Breach br = breaches.get(i);
                if (br.kind().equals(b.ledgerKind()) && (whole || br.line() == s.line())) {
                    n++;
                    pendingAck.add(i);
                }
            }
            return n;
        }
        if (p instanceof Expectations.Field f) {
            if (f.name().equals("node")) {
                return o.fields.get("mode");
            }
            if (f.name().equals("contains")) {
                return o.fields.get("text");
            }
            return o.fields.get(f.name());
        }
        if (p instanceof Expectations.Vmstat v) {
            long now = vmstatValue(v.key());
            return switch (v.scope()) {
                case ABSOLUTE -> now;
                case DELTA -> now - startVmstat.get(v.key());
                case STEP -> now - o.before.get(v.key());
            };
        }
        if (p instanceof Expectations.NodeValue nv) {
            Node n = k.mem().node(nv.nid());
            long now;
            long start;
            switch (nv.key()) {
                case "total_pages" -> {
                    now = n.managedPages();
                    start = now;
                }
                case "free_pages", "nr_free_pages" -> {
                    now = n.freePages();
                    start = startNodeStat[nv.nid()][0];
                }
                case "used_pages" -> {
                    now = usedPages(n);
                    start = startUsed[nv.nid()];
                }
                case "pcp_pages" -> {
                    now = pcpPages(n);
                    start = startPcp[nv.nid()];
                }
                default -> {
                    VmStat item = VmStat.valueOf(nv.key().toUpperCase(java.util.Locale.ROOT));
                    now = n.vmstat(item);
                    start = startNodeStat[nv.nid()][item.ordinal() + 1];
                }
            }
            return nv.delta() ? now - start : now;
        }
        if (p instanceof Expectations.Resident r) {
            Task t = tasks.get(r.task());
            if (t == null) {
                return null;
            }
            long a;
            try {
                a = resolve(r.addr());
            } catch (StepError err) {
                return null;
            }
            long[] c = resident(t, a, r.length().value());
            return switch (r.what()) {
                case "pages" -> c[0];
                case "zero_pages" -> c[1];
                case "huge_pages" -> c[2];
                default -> c[3 + r.nid()];
            };
        }
        if (p instanceof Expectations.TaskValue tv) {
            Task t = tasks.get(tv.task());
            if (t == null) {
                return null;
            }
            return switch (tv.key()) {
                case "rss_pages" -> t.mm() == null ? 0L : t.mm().rssPages();
                case "exited" -> t.exited();
                case "uid" -> (long) t.uid();
                case "pid" -> (long) t.pid();
                default -> throw new IllegalStateException(tv.key());
            };
        }
        throw new IllegalStateException("unhandled probe " + p);
    }

    private long vmstatValue(String key) {
        if (key.equals("nr_free_pages")) {
            return k.mem().totalFreePages();
        }
        return k.mem().vmstat(VmStat.valueOf(key.toUpperCase(java.util.Locale.ROOT)));
    }
}
