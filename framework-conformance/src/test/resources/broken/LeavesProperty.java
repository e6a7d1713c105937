package broken;

import java.util.EnumSet;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

/**
 * R6.4: records in a system property (JVM-wide state, CONTRACT R3.8) how many nodes it was bound
 * to, and never clears it: the property outlives the plugin's stop and unload. The count makes
 * every kit run change it, however often the fixture is checked in one JVM. Its answers do not
 * depend on it (R6.1 holds).
 */
public class LeavesProperty implements PrivateNodeDriver {
    public static final String PROPERTY = "broken.leavesproperty.binds";

    public NodeOptIns bind(NodeBinding b, DriverContext c) {
        System.setProperty(PROPERTY, String.valueOf(Long.getLong(PROPERTY, 0L) + 1));
        return new NodeOptIns(EnumSet.noneOf(NpOps.class));
    }
}
