package broken;

import java.util.EnumSet;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

public class PinsMovable implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) {
        return new NodeOptIns(EnumSet.of(NpOps.NP_OPS_LONGTERM_PIN, NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY));
    }
    /** Allows every pin, in ZONE_MOVABLE too. */
    @Override public Verdict longtermPin(PinRequest r) { return Verdict.ALLOW; }
    @Override public MigrateTo migrateTo(MigrationRequest r) { return MigrateTo.ACCEPT; }
    @Override public void folioMigrate(FolioRef s, FolioRef d) { }
}
