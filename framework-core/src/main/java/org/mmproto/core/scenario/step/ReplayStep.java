package org.mmproto.core.scenario.step;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.replay.Replay;
import org.mmproto.core.replay.ReplayResult;
import org.mmproto.core.replay.TraceFile;
import org.mmproto.core.replay.TraceKind;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.task.Task;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Replays a recorded trace (strace log, valgrind lackey trace, perf script samples, damo report
 * raw text or damo's JSON records; plain, gzip, xz or zlib) onto a task: {@code replay: {trace: FILE, kind: auto, task: a,
 * speed: 1, tick_ms: 100, layout: auto, max_records: N, exit: true, unknown_pids: thread}}. The path
 * is relative to the scenario. {@code unknown_pids: error} makes an strace pid that no logged call
 * made (and that is not the log's first) an error with file:line; {@code thread} (the default)
 * replays it as a thread of the first pid and counts it ({@code unknown_pids} in the step's fields).
 */
public record ReplayStep(Meta meta, String task, String trace, Replay replay) implements Step {
    public static final StepType TYPE = StepType.of("replay", ReplayStep::parse);
    private static final Set<String> KEYS = YamlTree.keys("trace", "kind", "task", "speed", "tick_ms", "layout",
            "max_records", "exit", "unknown_pids");
    private static final List<String> KINDS = List.of("auto", "strace", "lackey", "perf", "damon");
    private static final List<String> LAYOUTS = List.of("auto", "trace");
    private static final List<String> FIELDS = List.of("records", "mismatches", "accesses", "stores", "slow_path",
            "segv", "auto_mapped", "ticks", "calls", "unknown_pids");

    static ReplayStep parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        Node traceNode = tree.require(m, "trace");
        String name = tree.string(traceNode).strip();
        Path path = p.path(name);
        if (!Files.exists(path) || Files.isDirectory(path)) { // a named pipe is fine: the replay streams
            throw tree.error(traceNode, "trace: no such file " + path);
        }
        String kindText = tree.get(m, "kind").map(n -> tree.oneOf(n, KINDS)).orElse("auto");
        TraceFile file = new TraceFile(path);
        // a named pipe can be read once: its kind is told from the replay's own stream
        TraceKind kind = !kindText.equals("auto") ? TraceKind.valueOf(kindText.toUpperCase(Locale.ROOT))
                : file.readOnce() ? null : file.detect();
        double speed = tree.get(m, "speed").map(n -> positive(tree, n, "speed")).orElse(1.0);
        long tickMs = tree.get(m, "tick_ms").map(n -> tree.longValue(n, 1, 1L << 30)).orElse(100L);
        boolean autoMap = tree.get(m, "layout").map(n -> tree.oneOf(n, LAYOUTS)).orElse("auto").equals("auto");
        long max = tree.get(m, "max_records").map(n -> tree.longValue(n, 1, Long.MAX_VALUE)).orElse(Long.MAX_VALUE);
        boolean exit = tree.get(m, "exit").map(tree::bool).orElse(true);
        boolean strictPids = tree.get(m, "unknown_pids").map(n -> tree.oneOf(n, List.of("thread", "error")))
                .orElse("thread").equals("error");
        return new ReplayStep(meta, p.task(m), name, new Replay(file, kind, speed, tickMs, autoMap, max, exit,
                strictPids));
    }

    private static double positive(YamlTree tree, Node n, String key) {
        String t = tree.string(n).strip();
        try {
            double v = Double.parseDouble(t);
            if (v > 0 && !Double.isInfinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw tree.error(n, key + ": expected a number > 0 (trace time over kernel time), got '" + t + "'");
    }

    @Override
    public Step withMeta(Meta m) {
        return new ReplayStep(m, task, trace, replay);
    }

    @Override
    public List<String> expectFields() {
        return FIELDS;
    }

    @Override
    public StepOutcome run(RunContext run) {
        Task t = run.task(task);
        var listener = run.listener();
        listener.readStarted("replay " + trace, replay.trace().readOnce() ? -1 : replay.trace().size());
        ReplayResult r;
        try {
            r = replay.run(run.kernel(), t, run::taskCreated, listener::readProgress);
        } finally {
            listener.readDone();
        }
        StepOutcome o = StepOutcome.raw(0);
        o.put("kind", r.kind().key());
        o.put("records", r.records());
        o.put("ticks", r.ticks());
        StringBuilder sb = new StringBuilder("replay ").append(r.kind().key()).append(' ').append(trace)
                .append(": ").append(r.records()).append(" records");
        if (r.kind() == TraceKind.STRACE) {
            long calls = r.calls().values().stream().mapToLong(Long::longValue).sum();
            o.put("calls", calls);
            o.put("mismatches", r.mismatchCount());
            o.put("by_call", r.calls().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
            if (!r.details().isEmpty()) {
                o.put("details", r.details().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
            }
            if (!r.notModelled().isEmpty()) {
                o.put("not_modelled", r.notModelled().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
            }
            if (!r.mismatches().isEmpty()) {
                o.put("mismatch_list", r.mismatches().stream().map(Object::toString).toList());
            }
            o.put("unknown_pids", (long) r.unknownPids().size());
            sb.append(", ").append(calls).append(" calls replayed, ").append(r.mismatchCount())
                    .append(" returns differ from the log");
            if (!r.unknownPids().isEmpty()) {
                sb.append(", ").append(r.unknownPids().size()).append(" pids no logged fork/clone made, taken as"
                        + " threads of pid ").append(r.firstPid()).append(": ").append(r.unknownPids().entrySet().stream()
                        .limit(5).map(e -> e.getKey() + " (first at " + trace + ":" + e.getValue() + ")")
                        .collect(Collectors.joining(", ")));
                o.put("unknown_pid_list", r.unknownPids().keySet().stream().map(String::valueOf)
                        .collect(Collectors.joining(" ")));
            }
            r.mismatches().stream().limit(5).forEach(x -> sb.append("\n    ").append(x));
        } else {
            o.put("accesses", r.accesses());
            o.put("stores", r.stores());
            o.put("slow_path", r.slowPath());
            o.put("segv", r.segv());
            o.put("auto_mapped", r.autoMappedRegions());
            sb.append(", ").append(r.accesses()).append(" accesses (").append(r.stores()).append(" stores), ")
                    .append(r.slowPath()).append(" through the fault path, ").append(r.segv()).append(" SIGSEGV");
            if (r.autoMappedRegions() > 0) {
                sb.append(", ").append(r.autoMappedRegions()).append(" regions mapped (")
                        .append(r.autoMappedBytes() >> 10).append(" KiB)");
            }
        }
        if (r.ticks() > 0) {
            sb.append(", ").append(r.ticks()).append(" ticks");
        }
        return o.summary(sb.toString());
    }
}
