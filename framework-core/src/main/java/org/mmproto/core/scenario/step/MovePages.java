package org.mmproto.core.scenario.step;

import static org.mmproto.core.scenario.RunContext.call;
import static org.mmproto.core.scenario.RunContext.hex;
import static org.mmproto.core.scenario.RunContext.pidName;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.policy.MovePagesResult;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.PidRef;
import org.mmproto.core.scenario.ExpectationParser;
import org.mmproto.core.scenario.Expectations.Expected;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.Flags;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * move_pages(pid, count, pages, nodes, status, flags); {@code nodes} null = NULL (query the nodes
 * only). An expectation may compare {@code status}, one entry per page.
 */
public record MovePages(Meta meta, String task, PidRef pid, List<Addr> pages, int[] nodes, long flags)
        implements Step {
    public static final StepType TYPE = StepType.of("move_pages", MovePages::parse);
    private static final Set<String> KEYS = YamlTree.keys("task", "pid", "pages", "nodes", "flags");

    static MovePages parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        String task = p.task(m);
        PidRef pid = tree.get(m, "pid").map(p::pidRef).orElse(PidRef.SELF);
        Node pagesNode = tree.require(m, "pages");
        List<Addr> pages = new ArrayList<>();
        for (Node n : tree.items(pagesNode)) {
            pages.add(p.addr(n));
        }
        int[] nodes = null;
        Optional<Node> nodesNode = tree.get(m, "nodes");
        if (nodesNode.isPresent()) {
            List<Node> ns = tree.items(nodesNode.get());
            if (ns.size() != pages.size()) {
                throw tree.error(nodesNode.get(), "nodes has " + ns.size() + " entries but pages has "
                        + pages.size() + "; move_pages takes one count for both arrays");
            }
            nodes = new int[ns.size()];
            for (int i = 0; i < nodes.length; i++) {
                nodes[i] = tree.intValue(ns.get(i));
            }
        }
        long flags = tree.get(m, "flags").map(n -> p.flags(n, Flags.MPOL_MF)).orElse(0L);
        return new MovePages(meta, task, pid, List.copyOf(pages), nodes, flags);
    }

    @Override
    public Step withMeta(Meta m) {
        return new MovePages(m, task, pid, pages, nodes, flags);
    }

    @Override
    public StepOutcome run(RunContext run) {
        int p = run.pid(pid);
        long[] addrs = new long[pages.size()];
        for (int i = 0; i < addrs.length; i++) {
            addrs[i] = run.resolve(pages.get(i));
        }
        MovePagesResult r = run.numa().movePages(run.task(task), p, addrs, nodes, (int) flags);
        StepOutcome o = StepOutcome.raw(r.ret());
        if (r.status() != null) {
            List<Object> st = new ArrayList<>();
            for (int v : r.status()) {
                st.add(v == Integer.MIN_VALUE ? null : (Object) (long) v);
            }
            o.put("status", st);
        }
        return o.summary(call("move_pages", o, p + pidName(pid), addrs.length, "[" + joinAddrs(pages, addrs)
                + "]", nodes == null ? "NULL" : Arrays.toString(nodes), "status", Flags.MPOL_MF.format(flags))
                + (o.has("status") ? ": status " + Expectations.describeActual(new Expectations.Field("status"),
                o.get("status")) : ""));
    }

    private static String joinAddrs(List<Addr> as, long[] resolved) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < resolved.length; i++) {
            parts.add(as.get(i).mapping() != null ? as.get(i).text() : hex(resolved[i]));
        }
        return String.join(", ", parts);
    }

    @Override
    public List<String> expectFields() {
        return List.of("status");
    }

    @Override
    public Expected expectField(String key, Node v, ExpectationParser p) {
        Expectations.ListOf entries = p.entries(v);
        if (entries.entries().size() != pages.size()) {
            throw p.tree().error(v, "status has " + entries.entries().size() + " entries but move_pages is given "
                    + pages.size() + " pages");
        }
        return entries;
    }
}
