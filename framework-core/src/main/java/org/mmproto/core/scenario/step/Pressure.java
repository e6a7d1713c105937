package org.mmproto.core.scenario.step;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mmproto.api.Gfp;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.kernel.Kernel;
import org.yaml.snakeyaml.nodes.MappingNode;

/**
 * Kernel allocations of order 0 on node {@code node} ({@code gfp}, default
 * {@code GFP_KERNEL|__GFP_THISNODE}) until the node's free pages drop below the sum of its
 * zones' {@code below} watermark (min, low or high), kept under {@code name} for free_pages.
 * An allocation that fails ends the step early (its errno is the result).
 */
public record Pressure(Meta meta, int nid, int gfp, int mark, String name) implements Step {
    public static final StepType TYPE = StepType.of("pressure", Pressure::parse).defines("name", "allocation");
    private static final Set<String> KEYS = YamlTree.keys("node", "below", "gfp", "name");
    private static final List<String> MARKS = List.of("min", "low", "high");

    static Pressure parse(ParseContext p, Meta meta, org.yaml.snakeyaml.nodes.Node opKey,
                          org.yaml.snakeyaml.nodes.Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        var nodeArg = tree.require(m, "node");
        int nid = tree.intValue(nodeArg, 0, Integer.MAX_VALUE);
        if (nid >= p.machine().nodeCount()) {
            throw tree.error(nodeArg, "node " + nid + " does not exist on machine " + p.machine().name());
        }
        var belowArg = tree.require(m, "below");
        int mark = MARKS.indexOf(tree.string(belowArg).strip().toLowerCase(Locale.ROOT));
        if (mark < 0) {
            throw tree.error(belowArg, "unknown watermark '" + tree.string(belowArg) + "'; expected min, low or high");
        }
        int gfp = tree.get(m, "gfp").map(p::gfp).orElse(Gfp.GFP_KERNEL.bits() | Gfp.Bits.THISNODE);
        String name = p.newGroup(m, meta.line());
        if (name == null) {
            throw tree.error(opKey, "pressure needs a name: the pages it allocates are kept under it (free_pages NAME)");
        }
        return new Pressure(meta, nid, gfp, mark, name);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Pressure(m, nid, gfp, mark, name);
    }

    private static long markPages(Node n, int mark) {
        long sum = 0;
        for (Zone z : n.zones()) {
            sum += z.watermark(mark);
        }
        return sum;
    }

    @Override
    public StepOutcome run(RunContext run) {
        Kernel k = run.kernel();
        Node n = k.mem().node(nid);
        long target = markPages(n, mark);
        int local = n.hasCpus() ? nid : k.cpuToNode(0);
        List<long[]> g = run.group(name);
        long allocated = 0;
        long result = 0;
        for (long limit = n.managedPages(); n.freePages() >= target && allocated < limit; allocated++) {
            long pfn = k.alloc().allocPages(gfp, 0, nid, null, local);
            if (pfn < 0) {
                result = pfn;
                break;
            }
            g.add(new long[] {pfn, 0});
        }
        return StepOutcome.raw(result).put("allocated", allocated).put("free_pages", n.freePages())
                .summary("pressure on node " + nid + ": " + allocated + " pages of " + Gfp.of(gfp) + ", free "
                        + n.freePages() + " < " + MARKS.get(mark) + " " + target + (result == 0 ? "" : " (stopped: "
                        + Expectations.resultName(result) + ")"));
    }
}
