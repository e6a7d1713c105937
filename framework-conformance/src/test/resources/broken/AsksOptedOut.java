package broken;

import java.util.EnumSet;
import org.mmproto.api.design.AllocGate;
import org.mmproto.api.design.Design;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

/**
 * R6.2 from the design's side: the jar ships a design plugin with the mempolicy opt-in (a
 * set_mempolicy naming the node needs NP_OPS_MEMPOLICY) that forgot it at mbind, and asks
 * alloc_veto at every handout on the node, so a driver that opted out of mempolicy is asked to
 * accept the faults of an mbind'ed range. The driver declares nothing and answers every default.
 */
public class AsksOptedOut implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.noneOf(NpOps.class)); }

    /** set_mempolicy checks the opt-in, mbind does not; the handout asks the driver as buddy-veto does. */
    public static final class MbindForgettingDesign implements Design {
        @Override public String name() { return "forgets-mbind-opt-in"; }
        @Override public String summary() { return "checks NP_OPS_MEMPOLICY at set_mempolicy, not at mbind (broken fixture)"; }
        @Override public String source() { return "framework-conformance tests"; }
        @Override public Verdict policyTarget(Site site, TaskRef task, DriverAccess driver) {
            return site == Site.SET_MEMPOLICY && !driver.has(NpOps.NP_OPS_MEMPOLICY)
                    ? Verdict.deny(org.mmproto.api.Errno.EINVAL, "no NP_OPS_MEMPOLICY") : Verdict.ALLOW;
        }
        @Override public Verdict handout(AllocGate gate, DriverAccess driver) {
            return driver.present() ? driver.allocVeto(gate.request()) : Verdict.ALLOW;
        }
    }
}
