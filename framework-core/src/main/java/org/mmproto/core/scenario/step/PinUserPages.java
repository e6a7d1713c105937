package org.mmproto.core.scenario.step;

import static org.mmproto.core.scenario.RunContext.at;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.Len;
import org.mmproto.core.scenario.ExpectationParser;
import org.mmproto.core.scenario.Expectations.Expected;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.Flags;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.task.Task;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * pin_user_pages(addr, nr_pages, gup_flags) in {@code task}; {@code name} binds the pinned
 * folios for unpin_user_pages. An expectation may compare {@code landed}, the node of each folio.
 */
public record PinUserPages(Meta meta, String task, Addr addr, Len length, long gupFlags, String name)
        implements Step {
    // no defines(): the pin's name is not offered in "defined later" hints
    public static final StepType TYPE = StepType.of("pin_user_pages", PinUserPages::parse);
    private static final Set<String> KEYS = YamlTree.keys("task", "addr", "length", "flags", "name");

    static PinUserPages parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        Addr addr = p.addr(tree.require(m, "addr"));
        long gup = tree.get(m, "flags").map(n -> p.flags(n, Flags.FOLL)).orElse(0L);
        String name = p.newGroup(m, meta.line());
        return new PinUserPages(meta, p.task(m), addr, p.lengthOf(m, addr), gup, name);
    }

    @Override
    public Step withMeta(Meta m) {
        return new PinUserPages(m, task, addr, length, gupFlags, name);
    }

    @Override
    public StepOutcome run(RunContext run) {
        Task t = run.task(task);
        long a = run.resolve(addr);
        long len = length.value();
        long nr = (len + 4095) >>> 12;
        // a negative, wrapping or >2^31-page length is EINVAL, not a pin of the truncated count
        int pages = len < 0 || len + 4095 < len || nr > Integer.MAX_VALUE ? 0 : (int) nr;
        int[] err = new int[1];
        long[] heads = run.kernel().gup().pin(t, a, pages, (int) gupFlags, err);
        StepOutcome o = StepOutcome.raw(heads == null ? err[0] : pages);
        String flags = Flags.FOLL.format(gupFlags);
        if (heads == null) {
            return o.summary("pin_user_pages(" + at(addr, a) + ", " + pages + ", " + flags + ") = -"
                    + Expectations.resultName(err[0]));
        }
        List<Long> landed = new ArrayList<>();
        for (long h : heads) {
            landed.add((long) run.kernel().memmap().nid(h));
        }
        o.put("landed", landed);
        if (name != null) {
            run.pinned(name, heads);
        }
        return o.summary("pin_user_pages(" + at(addr, a) + ", " + pages + ", " + flags + ") = " + pages
                + (name == null ? "" : " (" + name + ")"));
    }

    @Override
    public List<String> expectFields() {
        return List.of("landed");
    }

    @Override
    public Expected expectField(String key, Node v, ExpectationParser p) {
        return p.entries(v);
    }
}
