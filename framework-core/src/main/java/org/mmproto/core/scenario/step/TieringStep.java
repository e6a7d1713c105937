package org.mmproto.core.scenario.step;

import java.util.Optional;
import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.tier.TierSettings;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Sets the tiering knobs as an administrator writes them: {@code demotion_enabled}
 * (/sys/kernel/mm/numa/demotion_enabled), {@code numa_balancing} (kernel.numa_balancing, 0-3),
 * {@code scan_size_mb}, {@code scan_period_ms}, {@code hot_threshold_ms},
 * {@code promote_rate_limit_MBps}; keys left out keep their value.
 */
public record TieringStep(Meta meta, Optional<Boolean> demotion, Optional<Integer> numaBalancing,
                          Optional<Integer> scanSizeMb, Optional<Integer> scanPeriodMs, Optional<Integer> hotThresholdMs,
                          Optional<Long> rateLimit) implements Step {
    public static final StepType TYPE = StepType.of("tiering", TieringStep::parse);
    private static final Set<String> KEYS = YamlTree.keys("demotion_enabled", "numa_balancing", "scan_size_mb",
            "scan_period_ms", "hot_threshold_ms", "promote_rate_limit_MBps");

    static TieringStep parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        return new TieringStep(meta, tree.get(m, "demotion_enabled").map(tree::bool),
                tree.get(m, "numa_balancing").map(n -> tree.intValue(n, 0, 3)),
                tree.get(m, "scan_size_mb").map(n -> tree.intValue(n, 1, 1 << 20)),
                tree.get(m, "scan_period_ms").map(n -> tree.intValue(n, 1, 1 << 30)),
                tree.get(m, "hot_threshold_ms").map(n -> tree.intValue(n, 0, 1 << 30)),
                tree.get(m, "promote_rate_limit_MBps").map(n -> tree.longValue(n, 0, 1L << 40)));
    }

    @Override
    public Step withMeta(Meta m) {
        return new TieringStep(m, demotion, numaBalancing, scanSizeMb, scanPeriodMs, hotThresholdMs, rateLimit);
    }

    @Override
    public StepOutcome run(RunContext run) {
        TierSettings s = run.kernel().tiering().settings();
        demotion.ifPresent(s::setDemotionEnabled);
        numaBalancing.ifPresent(s::setNumaBalancing);
        scanSizeMb.ifPresent(s::setScanSizeMb);
        scanPeriodMs.ifPresent(s::setScanPeriodMs);
        hotThresholdMs.ifPresent(s::setHotThresholdMs);
        rateLimit.ifPresent(s::setPromoteRateLimitMBps);
        return StepOutcome.raw(0).summary("tiering: demotion_enabled=" + s.demotionEnabled() + " numa_balancing="
                + s.numaBalancing() + " scan_size_mb=" + s.scanSizeMb() + " scan_period_ms=" + s.scanPeriodMs()
                + " hot_threshold_ms=" + s.hotThresholdMs() + " promote_rate_limit_MBps=" + s.promoteRateLimitMBps());
    }
}
