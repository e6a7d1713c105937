package broken;

import java.util.EnumSet;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

public class ImportsCore implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.noneOf(NpOps.class)); }
    /** Never called: the class loads, only the bytecode shows the host class. */
    String neverCalled() { return org.mmproto.core.stats.VmStat.PGFREE.key(); }
}
