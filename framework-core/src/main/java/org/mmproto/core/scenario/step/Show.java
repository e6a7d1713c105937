package org.mmproto.core.scenario.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.ProcFs;
import org.mmproto.core.policy.NumaMaps;
import org.mmproto.core.scenario.ExpectationParser;
import org.mmproto.core.scenario.Expectations.Expected;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Prints kernel text (/proc/vmstat, buddyinfo, ...) into the report. An expectation may say what
 * the text {@code contains}.
 */
public record Show(Meta meta, String what, String task) implements Step {
    public static final StepType TYPE = StepType.of("show", Show::parse);
    static final List<String> WHAT = List.of("vmstat", "buddyinfo", "pagetypeinfo", "zoneinfo", "meminfo",
            "numastat", "numactl", "unusable_index", "extfrag_index", "maps", "numa_maps",
            "memory_tiers", "khugepaged", "smaps");
    /** show: items that are per task. */
    static final List<String> PER_TASK = List.of("maps", "numa_maps", "smaps");
    private static final Set<String> KEYS = YamlTree.keys("what", "task");

    static Show parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        if (value instanceof ScalarNode s) {
            String what = tree.oneOf(s, WHAT);
            if (PER_TASK.contains(what)) {
                throw tree.error(s, "show: " + what + " needs a task: write show: {what: " + what
                        + ", task: NAME}");
            }
            return new Show(meta, what, null);
        }
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        String what = tree.oneOf(tree.require(m, "what"), WHAT);
        String task = null;
        if (PER_TASK.contains(what)) {
            task = p.taskRef(tree.require(m, "task"), false);
        } else if (tree.get(m, "task").isPresent()) {
            throw tree.error(tree.get(m, "task").get(), "show: " + what + " is machine-wide and takes no task");
        }
        return new Show(meta, what, task);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Show(m, what, task);
    }

    @Override
    public StepOutcome run(RunContext run) {
        return StepOutcome.status("ok").put("text", text(run))
                .summary("show " + what + (task != null ? " " + task : ""));
    }

    private String text(RunContext run) {
        PhysicalMemory mem = run.kernel().mem();
        switch (what) {
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
            case "memory_tiers":
                return run.kernel().tiering().text();
            case "khugepaged":
                return run.kernel().khugepaged().sysfs();
            case "unusable_index":
                return org.mmproto.core.compaction.Fragmentation.unusableIndexFile(mem);
            case "extfrag_index":
                return org.mmproto.core.compaction.Fragmentation.extfragIndexFile(mem);
            case "meminfo": {
                StringBuilder sb = new StringBuilder(ProcFs.meminfo(mem, run.kernel().swap(), run.kernel().overcommit().commitLimitPages(),
                        run.kernel().overcommit().committedPages()));
                for (var n : mem.nodes()) {
                    sb.append(ProcFs.nodeMeminfo(mem, n.nid()));
                }
                return sb.toString();
            }
            case "numastat": {
                StringBuilder sb = new StringBuilder();
                for (var n : mem.nodes()) {
                    sb.append("# node").append(n.nid()).append('\n').append(ProcFs.numastat(mem, n.nid()));
                }
                return sb.toString();
            }
            case "maps":
                return maps(run, run.taskOrNull(task));
            case "numa_maps":
                return NumaMaps.render(run.kernel().policyServices(), run.taskOrNull(task));
            case "smaps":
                return org.mmproto.core.thp.Smaps.render(run.kernel().policyServices().core().memmap(),
                        run.kernel().policyServices().rmap(), run.taskOrNull(task));
            default:
                throw new IllegalStateException(what);
        }
    }

    /** One line per VMA: range, backing, label, then resident pages per node (N0=...), like numa_maps' tail. */
    private static String maps(RunContext run, Task t) {
        if (t.mm() == null) {
            return "(" + t + " has exited)\n";
        }
        StringBuilder sb = new StringBuilder();
        for (Vma v : t.mm().vmas()) {
            long[] c = run.resident(t, v.start(), v.end() - v.start());
            sb.append(String.format("%x-%x %s%s", v.start(), v.end(), v.backing().name().toLowerCase(Locale.ROOT),
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
            for (int nid = 0; nid < run.kernel().mem().nodeCount(); nid++) {
                if (c[3 + nid] > 0) {
                    sb.append(" N").append(nid).append('=').append(c[3 + nid]);
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public boolean hasResult() {
        return false;
    }

    @Override
    public List<String> expectFields() {
        return List.of("contains");
    }

    @Override
    public Expected expectField(String key, Node v, ExpectationParser p) {
        List<String> parts = new ArrayList<>();
        if (v instanceof SequenceNode) {
            for (Node n : p.tree().items(v)) {
                parts.add(p.tree().string(n));
            }
        } else {
            parts.add(p.tree().string(v));
        }
        return new Expectations.Contains(parts);
    }

    /** {@code contains} reads the text shown. */
    @Override
    public Object readField(String key, StepOutcome o) {
        return o.get(key.equals("contains") ? "text" : key);
    }
}
