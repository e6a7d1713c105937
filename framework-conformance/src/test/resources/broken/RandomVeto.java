package broken;

import java.util.EnumSet;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

public class RandomVeto implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.noneOf(NpOps.class)); }
    @Override public Verdict allocVeto(AllocRequest r) {
        return java.util.concurrent.ThreadLocalRandom.current().nextBoolean() ? Verdict.ALLOW : Verdict.deny(org.mmproto.api.Errno.ENOMEM, "coin");
    }
}
