package org.mmproto.core.scenario.step;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.config.Suggestions;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.Len;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.scenario.Workloads;
import org.mmproto.core.task.Task;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A seeded workload run {@code times} times; {@code seed} null = derived from the run seed and the
 * line. An expectation may compare the counts {@code errors touches writes frees allocs}.
 */
public record Repeat(Meta meta, long times, Long seed, Workloads.Spec workload) implements Step {
    public static final StepType TYPE = StepType.of("repeat", Repeat::parse).defines("name", "allocation");
    static final Set<String> KEYS = YamlTree.keys("times", "seed", "workload", "task", "addr", "length",
            "write_ratio", "free_ratio", "working_set", "hot_fraction", "hot_ratio", "gfp", "order", "nid", "cpu",
            "name");
    /** Iterations of one repeat step: 10^9 take minutes; more would look like a hang. */
    static final long MAX_TIMES = 1_000_000_000L;

    static Repeat parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        long times = tree.longValue(tree.require(m, "times"), 0, MAX_TIMES,
                "a repeat step runs at most 10^9 iterations; split longer runs into several steps");
        Long seed = tree.get(m, "seed").map(tree::longValue).orElse(null);
        List<String> kinds = new ArrayList<>();
        for (Workloads.Kind k : Workloads.Kind.values()) {
            kinds.add(k.key());
        }
        Node kindNode = tree.require(m, "workload");
        Workloads.Kind kind = Workloads.Kind.valueOf(tree.oneOf(kindNode, kinds).toUpperCase(Locale.ROOT));
        Set<String> allowed = new LinkedHashSet<>(List.of("times", "seed", "workload"));
        switch (kind) {
            case RANDOM_TOUCH -> allowed.addAll(List.of("task", "addr", "length", "write_ratio"));
            case TOUCH_FREE -> allowed.addAll(List.of("task", "addr", "length", "write_ratio", "free_ratio"));
            case WORKING_SET -> allowed.addAll(List.of("task", "addr", "length", "write_ratio", "working_set"));
            case HOT_COLD -> allowed.addAll(List.of("task", "addr", "length", "write_ratio", "hot_fraction",
                    "hot_ratio"));
            case ALLOC_FREE -> allowed.addAll(List.of("gfp", "order", "nid", "cpu", "free_ratio", "name"));
            default -> throw new IllegalStateException(kind.toString());
        }
        for (NodeTuple t : m.getValue()) {
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            if (!allowed.contains(key)) {
                throw new ConfigException(tree.source(), tree.line(t.getKeyNode()), tree.column(t.getKeyNode()),
                        tree.path(m) + ": '" + key + "' does not apply to workload " + kind.key()
                                + Suggestions.didYouMean(key, allowed) + "; its keys are: " + String.join(", ", allowed));
            }
        }
        if (kind.userMemory()) {
            String task = p.task(m);
            Addr addr = p.addr(tree.require(m, "addr"));
            Len length = p.lengthOf(m, addr);
            double write = p.ratio(m, "write_ratio", kind == Workloads.Kind.TOUCH_FREE ? 1.0 : 0.5);
            double free = p.ratio(m, "free_ratio", 0.25);
            long ws = kind == Workloads.Kind.WORKING_SET ? tree.size(tree.require(m, "working_set")) : 0;
            double hotFraction = p.ratio(m, "hot_fraction", 0.2);
            double hotRatio = p.ratio(m, "hot_ratio", 0.9);
            return new Repeat(meta, times, seed, new Workloads.Spec(kind, task, addr, length, write, free, ws,
                    hotFraction, hotRatio, 0, 0, 0, 0, null));
        }
        int gfp = p.gfp(tree.require(m, "gfp"));
        int order = tree.get(m, "order").map(n -> tree.intValue(n, 0, 63)).orElse(0);
        Node nidNode = tree.require(m, "nid");
        String nidText = tree.string(nidNode).strip();
        int nid = nidText.equals("each") ? Workloads.NID_EACH : nidText.equals("random") ? Workloads.NID_RANDOM
                : p.nid(nidNode);
        int cpu = tree.get(m, "cpu").map(p::cpu).orElseGet(p::defaultCpu);
        double free = p.ratio(m, "free_ratio", 0.5);
        String name = p.newGroup(m, meta.line());
        return new Repeat(meta, times, seed, new Workloads.Spec(kind, null, null, null, 0, free, 0, 0, 0, gfp,
                order, nid, cpu, name));
    }

    @Override
    public Step withMeta(Meta m) {
        return new Repeat(m, times, seed, workload);
    }

    @Override
    public String task() {
        return workload.task();
    }

    static long deriveSeed(long seed, int line) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (line + 1))).nextLong();
    }

    @Override
    public StepOutcome run(RunContext run) {
        Workloads.Spec w = workload;
        long s = seed != null ? seed : deriveSeed(run.seed(), line());
        Task t = w.task() != null ? run.task(w.task()) : null;
        long start = w.addr() != null ? run.resolve(w.addr()) : 0;
        long len = w.length() != null ? w.length().value() : 0;
        List<long[]> g = w.name() != null ? run.group(w.name()) : new ArrayList<>();
        run.listener().repeatStarted(this, times);
        Workloads.Outcome r;
        try {
            r = Workloads.run(run.kernel(), w, t, start, len, times, s, g, run.listener()::repeatProgress);
        } finally {
            run.listener().repeatDone();
        }
        StepOutcome o = StepOutcome.raw(r.firstError());
        o.put("seed", s);
        o.put("iterations", r.iterations());
        o.put("touches", r.touches());
        o.put("writes", r.writes());
        o.put("frees", r.frees());
        o.put("allocs", r.allocs());
        o.put("errors", r.errors());
        StringBuilder sb = new StringBuilder(w.kind().key()).append(" x").append(times).append(" (seed ")
                .append(s).append("): ");
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
        return o.summary(sb.toString());
    }

    @Override
    public List<String> expectFields() {
        return List.of("errors", "touches", "writes", "frees", "allocs");
    }
}
