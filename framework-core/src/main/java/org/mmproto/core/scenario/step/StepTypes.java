package org.mmproto.core.scenario.step;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scenario operations, in the order {@code scenarios/README.md} documents them (error
 * messages list them in this order). A new operation is one step record with its {@code TYPE},
 * and one line here.
 */
public final class StepTypes {
    /** The built-in operations. */
    public static final StepTypes BUILT_IN = new StepTypes(List.of(
            Mmap.TYPE,
            Munmap.TYPE,
            Madvise.TYPE,
            MemfdCreate.TYPE,
            Touch.TYPE,
            Fork.TYPE,
            Exit.TYPE,
            SetCredentials.TYPE,
            Cpuset.TYPE,
            SetMempolicy.TYPE,
            GetMempolicy.TYPE,
            Mbind.TYPE,
            MigratePages.TYPE,
            MovePages.TYPE,
            SetMempolicyHomeNode.TYPE,
            AllocPages.TYPE,
            FreePages.TYPE,
            DrainPages.TYPE,
            PinUserPages.TYPE,
            UnpinUserPages.TYPE,
            MemoryFailureStep.TYPE,
            NestedAlloc.TYPE,
            Swapon.TYPE,
            Pressure.TYPE,
            Hotplug.TYPE,
            DriverControl.TYPE,
            Tick.TYPE,
            ReclaimStep.TYPE,
            Compact.TYPE,
            KsmScan.TYPE,
            KhugepagedStep.TYPE,
            Collapse.TYPE,
            TieringStep.TYPE,
            Demote.TYPE,
            Promote.TYPE,
            ReplayStep.TYPE,
            Repeat.TYPE,
            Check.TYPE,
            ExpectOnly.TYPE,
            Show.TYPE));

    private final Map<String, StepType> byOp;
    private final List<String> ops;

    public StepTypes(List<StepType> types) {
        Map<String, StepType> m = new LinkedHashMap<>();
        for (StepType t : types) {
            if (m.put(t.op(), t) != null) {
                throw new IllegalArgumentException("two step types for '" + t.op() + "'");
            }
        }
        this.byOp = Map.copyOf(m);
        this.ops = List.copyOf(new ArrayList<>(m.keySet()));
    }

    /** The operation keys, in registration order. */
    public List<String> ops() {
        return ops;
    }

    /** The type of operation {@code op}, or null. */
    public StepType get(String op) {
        return byOp.get(op);
    }
}
