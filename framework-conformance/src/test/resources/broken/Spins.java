package broken;

import java.util.EnumSet;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

/**
 * R3.3: spins in free_folio until its thread used 2 s of CPU: over the budget by CPU time, not by
 * a hang (the thread runs throughout).
 */
public class Spins implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.noneOf(NpOps.class)); }
    @Override public FreeAction freeFolio(FreeEvent e) {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long x = 0;
        while (mx.getCurrentThreadCpuTime() - c0 < 2_000_000_000L && !Thread.currentThread().isInterrupted()) {
            x += System.nanoTime() & 1;
        }
        return x == -1 ? FreeAction.KEEP : FreeAction.RETURN_TO_BUDDY;
    }
}
