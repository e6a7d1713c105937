package broken;

import java.util.EnumSet;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

public class Inconsistent implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.of(NpOps.NP_OPS_MIGRATION)); }
}
