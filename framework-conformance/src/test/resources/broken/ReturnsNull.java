package broken;

import java.util.EnumSet;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

public class ReturnsNull implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.noneOf(NpOps.class)); }
    @Override public FreeAction freeFolio(FreeEvent e) { return null; }
}
