package broken;

import java.util.EnumSet;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

/**
 * R4.3 from the capability side: the jar ships a design plugin that asks longterm_pin of every
 * driver, the one without NP_OPS_LONGTERM_PIN too, and pins the folio in place on an ALLOW. The
 * driver declares nothing and answers every default (longterm_pin: ALLOW), so the only thing
 * broken is that a driver with no pin capability was asked and its folio pinned on the node.
 */
public class AsksUnpinnable implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.noneOf(NpOps.class)); }

    /** ops-struct's pin gate without the NP_OPS_LONGTERM_PIN check. */
    public static final class PinsUndeclaredDesign implements Design {
        @Override public String name() { return "asks-undeclared-pin"; }
        @Override public String summary() { return "asks longterm_pin of a driver without the pin opt-in (broken fixture)"; }
        @Override public String source() { return "framework-conformance tests"; }
        @Override public PinAction longtermPin(PinRequest request, DriverAccess driver) {
            if (!driver.present()) {
                return PinAction.MIGRATE_THEN_PIN;
            }
            return driver.longtermPin(request).allowed() ? PinAction.PIN_IN_PLACE : PinAction.REFUSE;
        }
    }
}
