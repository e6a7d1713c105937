package broken;

import java.util.EnumSet;
import org.mmproto.api.design.Design;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

/**
 * R4.4 from the design's side: a driver can only answer, so the jar ships a design plugin that asks
 * the migration filter and moves the folio whatever it said. The driver refuses every move off
 * its node (and opts into mempolicy, so that mbind'ed pages reach it under ops-struct too); under
 * ops-struct, the one built-in design that asks the filter, the refusal holds.
 */
public class IgnoresFilter implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY)); }
    @Override public Verdict migrationFilter(MigrationRequest r) { return Verdict.deny(org.mmproto.api.Errno.EBUSY, "stays"); }
    @Override public MigrateTo migrateTo(MigrationRequest r) { return MigrateTo.ACCEPT; }
    @Override public void folioMigrate(FolioRef s, FolioRef d) { }

    /** Mainline everywhere, but a move off the node asks the filter and then ignores it. */
    public static final class FilterIgnoringDesign implements Design {
        @Override public String name() { return "ignores-filter"; }
        @Override public String summary() { return "asks migration_filter and moves the folio anyway (broken fixture)"; }
        @Override public String source() { return "framework-conformance tests"; }
        @Override public Verdict migrate(MigrationRequest request, boolean onto, DriverAccess driver) {
            if (!onto && request.to() >= 0 && request.to() != request.from()) {
                driver.migrationFilter(request);
            }
            return Verdict.ALLOW;
        }
    }
}
