package org.mmproto.core.plugin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.stream.Collectors;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.core.hooks.Containment;
import org.mmproto.core.hooks.HookStats;

/**
 * What a driver declares for a node bound with an empty configuration, without an engine: the
 * driver is created and bound on its own lane under the budget, so a driver that hangs, throws
 * or tries to end the process only gets a line saying so (CONTRACT R3.5).
 */
public final class DryBind {
    private DryBind() {
    }

    /** "FLAGS (default config)", possibly with the RFC rules it breaks, or why the dry bind failed. */
    public static String describe(DriverExtension d, Duration budget) {
        NodeBinding probe = new NodeBinding(0, 0, ZoneType.NORMAL, Map.of());
        NodeOptIns opt;
        try (Containment c = new Containment(budget, new HookStats())) {
            opt = c.bind(d.id(), probe.nid(), () -> d.newInstance().bind(probe,
                    new DryBindContext(probe.nid(), probe.zone(), probe.pages())));
        } catch (Containment.BindFailure e) {
            return "unknown (a dry bind failed: " + (e.kind().equals("null") ? "bind() returned null" : e.getMessage()) + ")";
        }
        String flags = opt.flags().isEmpty() ? "none"
                : opt.flags().stream().map(Enum::name).collect(Collectors.joining("|"));
        var bad = new ArrayList<>(NpOps.violations(opt.flags(), d.hooks()));
        bad.addAll(NodeCap.violations(opt.caps()));
        String caps = opt.effectiveCaps().isEmpty() ? "none"
                : opt.effectiveCaps().stream().map(Enum::name).collect(Collectors.joining("|"));
        return flags + " (default config); v5 capabilities: " + caps
                + (opt.capsMappedFromV4() ? " (mapped from the v4 names)" : "")
                + (bad.isEmpty() ? "" : "; INCONSISTENT: " + String.join("; ", bad));
    }
}
