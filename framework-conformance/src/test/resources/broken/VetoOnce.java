package broken;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.mmproto.api.design.AllocGate;
import org.mmproto.api.design.Design;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Requests.*;

/**
 * R4.1 from the design's side: a driver can only answer, so the jar ships a design plugin that
 * asks alloc_veto once per distinct request and lets a repeat through unasked, so the allocator's
 * retry of a vetoed call (the slow path) takes pages of the node. The driver refuses kernel
 * (non-movable) allocations; under buddy-veto every refusal holds.
 */
public class VetoOnce implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.noneOf(NpOps.class)); }
    @Override public Verdict allocVeto(AllocRequest r) {
        return r.movable() ? Verdict.ALLOW : Verdict.deny(org.mmproto.api.Errno.ENOMEM, "no kernel memory here");
    }

    /** Mainline everywhere, but the hand-out asks the driver only the first time it sees a request. */
    public static final class VetoCachingDesign implements Design {
        private final Set<AllocRequest> asked = new HashSet<>();
        @Override public String name() { return "veto-once"; }
        @Override public String summary() { return "asks alloc_veto once per distinct request (broken fixture)"; }
        @Override public String source() { return "framework-conformance tests"; }
        @Override public Verdict handout(AllocGate gate, DriverAccess driver) {
            return asked.add(gate.request()) ? driver.allocVeto(gate.request()) : Verdict.ALLOW;
        }
    }
}
