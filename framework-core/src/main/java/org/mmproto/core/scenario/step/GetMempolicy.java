package org.mmproto.core.scenario.step;

import static org.mmproto.core.scenario.RunContext.at;
import static org.mmproto.core.scenario.RunContext.call;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.mmproto.api.NodeMask;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.policy.GetMempolicyResult;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args;
import org.mmproto.core.scenario.ExpectationParser;
import org.mmproto.core.scenario.Expectations.Expected;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.Flags;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.task.MemPolicy;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * get_mempolicy(&mode, wantMask ? buf : NULL, maxnode, addr, flags). An expectation may compare
 * {@code mode} (a mode name or number), {@code node} (the node MPOL_F_NODE returns in mode) and
 * {@code nodemask}.
 */
public record GetMempolicy(Meta meta, String task, boolean wantMask, long maxnode, Addr addr, long flags)
        implements Step {
    public static final StepType TYPE = StepType.of("get_mempolicy", GetMempolicy::parse);
    private static final Set<String> KEYS = YamlTree.keys("task", "nodemask", "maxnode", "addr", "flags");

    static GetMempolicy parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        String task = p.task(m);
        boolean want = true;
        Optional<Node> nm = tree.get(m, "nodemask");
        boolean explicitNull = p.hasNullValue(m, "nodemask");
        if (explicitNull) {
            want = false;
        } else if (nm.isPresent()) {
            String v = tree.string(nm.get()).strip().toLowerCase(Locale.ROOT);
            switch (v) {
                case "true", "buffer" -> want = true;
                case "false", "null" -> want = false;
                default -> throw tree.error(nm.get(), "get_mempolicy's nodemask is an output buffer: expected"
                        + " buffer (or true) for a buffer, null (or false) for a NULL pointer, got '" + v + "'");
            }
        }
        long maxnode = tree.get(m, "maxnode").map(n -> p.flags(n, Flags.NONE)).orElse(want ? 65L : 0L);
        Addr addr = tree.get(m, "addr").map(p::addr).orElse(Addr.absolute(0));
        long flags = tree.get(m, "flags").map(n -> p.flags(n, Flags.GET_MEMPOLICY)).orElse(0L);
        return new GetMempolicy(meta, task, want, maxnode, addr, flags);
    }

    @Override
    public Step withMeta(Meta m) {
        return new GetMempolicy(m, task, wantMask, maxnode, addr, flags);
    }

    @Override
    public StepOutcome run(RunContext run) {
        long a = run.resolve(addr);
        GetMempolicyResult r = run.numa().getMempolicy(run.task(task), wantMask, maxnode, a,
                (int) flags);
        StepOutcome o = StepOutcome.raw(r.ret());
        String shownMode = "";
        if (r.ret() >= 0) {
            o.put("mode", (long) r.mode());
            boolean nodeOut = (flags & MemPolicy.MPOL_F_NODE) != 0;
            shownMode = nodeOut ? "node " + r.mode() : Flags.MPOL_MODE.format(r.mode());
            o.put("mode_text", shownMode);
            if (r.nodemask() != null) {
                o.put("nodemask", Args.formatWords(r.nodemask()));
            }
        }
        return o.summary(call("get_mempolicy", o, "&mode", wantMask ? "buf" : "NULL", maxnode,
                a == 0 ? "0" : at(addr, a), Flags.GET_MEMPOLICY.format(flags))
                + (r.ret() >= 0 ? ": mode " + shownMode + (r.nodemask() != null ? ", nodemask ["
                + Args.formatWords(r.nodemask()) + "]" : "") : ""));
    }

    @Override
    public List<String> expectFields() {
        return List.of("mode", "node", "nodemask");
    }

    @Override
    public Expected expectField(String key, Node v, ExpectationParser p) {
        switch (key) {
            case "mode": {
                String s = p.tree().string(v).strip();
                if (s.matches("[<>=!].*|.*\\.\\..*")) {
                    return p.compare(v, false);
                }
                return Expectations.Compare.eq(p.context().flags(v, Flags.MPOL_MODE));
            }
            case "nodemask": {
                String s = p.tree().string(v).strip();
                try {
                    return new Expectations.Text(NodeMask.formatList(NodeMask.parseList(s, Args.MAX_LIST_BIT)));
                } catch (IllegalArgumentException e) {
                    throw p.tree().error(v, "expected a node list such as \"0-1\" (\"\" for an empty mask): "
                            + e.getMessage());
                }
            }
            default:
                return p.compare(v, false);
        }
    }

    /** {@code node} is the node MPOL_F_NODE returns in the mode word. */
    @Override
    public Object readField(String key, StepOutcome o) {
        return o.get(key.equals("node") ? "mode" : key);
    }
}
