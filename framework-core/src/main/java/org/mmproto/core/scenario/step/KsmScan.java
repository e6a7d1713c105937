package org.mmproto.core.scenario.step;

import java.util.List;
import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.task.Ksm;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One full pass of ksmd over the mergeable VMAs ({@code ksm_scan: {}}); outputs
 * {@code pages_scanned} (this pass: the anonymous pages of VM_MERGEABLE VMAs) and
 * {@code full_scans} (/sys/kernel/mm/ksm/full_scans after it).
 */
public record KsmScan(Meta meta) implements Step {
    public static final StepType TYPE = StepType.of("ksm_scan", KsmScan::parse);
    private static final Set<String> KEYS = YamlTree.keys();

    static KsmScan parse(ParseContext p, Meta meta, Node opKey, Node value) {
        p.args(value, opKey, meta.op(), KEYS);
        return new KsmScan(meta);
    }

    @Override
    public Step withMeta(Meta m) {
        return new KsmScan(m);
    }

    @Override
    public List<String> expectFields() {
        return List.of("pages_scanned", "full_scans");
    }

    @Override
    public StepOutcome run(RunContext run) {
        Ksm ksm = run.kernel().ksm();
        long scanned = ksm.fullScan();
        return StepOutcome.raw(0).put("pages_scanned", scanned).put("full_scans", ksm.fullScans())
                .summary("ksmd full scan: " + scanned + " mergeable anonymous pages scanned (pages_scanned "
                        + ksm.pagesScanned() + ", full_scans " + ksm.fullScans() + ")");
    }
}
