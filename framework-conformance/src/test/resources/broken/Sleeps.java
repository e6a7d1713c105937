package broken;

import java.util.EnumSet;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

/** R3.3: hangs in free_folio, asleep for 2 s: past the 1 s hang timeout of a call that is not running. */
public class Sleeps implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.noneOf(NpOps.class)); }
    @Override public FreeAction freeFolio(FreeEvent e) {
        try { Thread.sleep(2000); } catch (InterruptedException x) { Thread.currentThread().interrupt(); }
        return FreeAction.RETURN_TO_BUDDY;
    }
}
