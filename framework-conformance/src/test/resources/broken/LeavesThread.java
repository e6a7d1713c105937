package broken;

import java.util.EnumSet;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

public class LeavesThread implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) {
        Thread t = new Thread(() -> { try { Thread.sleep(600_000); } catch (InterruptedException x) { } }, "leaves-thread-keeper");
        t.setDaemon(true);
        t.start();
        return new NodeOptIns(EnumSet.noneOf(NpOps.class));
    }
}
