package org.mmproto.core.scenario.step;

import java.util.Set;
import org.mmproto.api.Errno;
import org.mmproto.core.config.Sizes;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.mm.SwapSpace;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * swapon(2) of a swap file of {@code size} bytes (whole pages; the first is the swap header):
 * from here on anon folios can be reclaimed. A second swapon is EBUSY (one device is modelled).
 */
public record Swapon(Meta meta, long bytes) implements Step {
    public static final StepType TYPE = StepType.of("swapon", Swapon::parse);
    private static final Set<String> KEYS = YamlTree.keys("size");
    private static final long MAX_BYTES = (long) Integer.MAX_VALUE << 12;

    static Swapon parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        Node n = tree.require(m, "size");
        long bytes;
        try {
            bytes = Sizes.parse(tree.string(n));
        } catch (IllegalArgumentException e) {
            throw tree.error(n, e.getMessage());
        }
        if (bytes < 2 * 4096 || bytes > MAX_BYTES || bytes % 4096 != 0) {
            throw tree.error(n, "swap size " + Sizes.format(bytes) + ": expected whole 4 KiB pages, at least two"
                    + " (the header and one slot) and at most 8 TiB");
        }
        return new Swapon(meta, bytes);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Swapon(m, bytes);
    }

    @Override
    public StepOutcome run(RunContext run) {
        SwapSpace swap = run.kernel().swap();
        if (swap.totalPages() > 0) {
            return StepOutcome.raw(-Errno.EBUSY.code()).summary("swapon: a swap device is already active = -EBUSY");
        }
        swap.swapon(bytes >>> 12);
        return StepOutcome.raw(0).put("swap_pages", swap.totalPages())
                .summary("swapon " + Sizes.format(bytes) + ": " + swap.totalPages() + " swap slots");
    }
}
