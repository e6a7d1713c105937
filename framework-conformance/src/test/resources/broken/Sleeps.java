package broken;

import java.util.EnumSet;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

public class Sleeps implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.noneOf(NpOps.class)); }
    @Override public FreeAction freeFolio(FreeEvent e) {
        try { Thread.sleep(2000); } catch (InterruptedException x) { Thread.currentThread().interrupt(); }
        return FreeAction.RETURN_TO_BUDDY;
    }
}
