package broken;

import java.util.EnumSet;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

public class MigrationLiar implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY)); }
    @Override public MigrateTo migrateTo(MigrationRequest r) { return MigrateTo.refuse(org.mmproto.api.Errno.ENOSPC); }
    @Override public void folioMigrate(FolioRef s, FolioRef d) { }
}
