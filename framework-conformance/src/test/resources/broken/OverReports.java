package broken;

import java.util.EnumSet;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

public class OverReports implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) {
        c.reportCapacity(c.managedPages() * 2);
        return new NodeOptIns(EnumSet.noneOf(NpOps.class));
    }
}
