package broken;

import java.util.EnumSet;
import org.mmproto.api.design.AllocGate;
import org.mmproto.api.design.Design;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

/**
 * R4.1 from the design's side: the jar ships a design plugin that asks alloc_veto at the handout
 * and hands the pages out whatever the driver said. The driver vetoes every allocation on its
 * node; under buddy-veto, the built-in design that asks it, the veto holds.
 */
public class IgnoresVeto implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.noneOf(NpOps.class)); }
    @Override public Verdict allocVeto(AllocRequest r) { return Verdict.deny(org.mmproto.api.Errno.ENOMEM, "device full"); }

    /** Mainline everywhere, but a handout on a driver's node asks alloc_veto and then ignores it. */
    public static final class VetoIgnoringDesign implements Design {
        @Override public String name() { return "ignores-veto"; }
        @Override public String summary() { return "asks alloc_veto and hands the pages out anyway (broken fixture)"; }
        @Override public String source() { return "framework-conformance tests"; }
        @Override public Verdict handout(AllocGate gate, DriverAccess driver) {
            if (driver.present()) {
                driver.allocVeto(gate.request());
            }
            return Verdict.ALLOW;
        }
    }
}
