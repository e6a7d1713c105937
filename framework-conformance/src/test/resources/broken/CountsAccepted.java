package broken;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

/**
 * R6.3: books a move onto its node when it accepts it (migrate_to) and settles it when the folio
 * arrives (folio_migrate), never when the move fails after the accept (the target allocation or
 * the copy failed). Without faults every accepted move arrives and its capacity report comes back
 * to the baseline; with them the reservations of failed moves stay booked.
 */
public class CountsAccepted implements PrivateNodeDriver {
    private DriverContext ctx;
    private long reserved;
    private final Map<Long, Long> resident = new HashMap<>();
    private long residentPages;

    public NodeOptIns bind(NodeBinding b, DriverContext c) {
        ctx = c;
        report();
        return new NodeOptIns(EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY));
    }

    @Override public MigrateTo migrateTo(MigrationRequest r) {
        reserved += 1L << r.folio().order();
        report();
        return MigrateTo.ACCEPT;
    }

    @Override public void folioMigrate(FolioRef src, FolioRef dst) {
        if (dst.nid() == ctx.nid()) {
            long n = 1L << dst.order();
            reserved = Math.max(0, reserved - n);
            resident.put(dst.pfn(), n);
            residentPages += n;
            report();
        }
    }

    @Override public FreeAction freeFolio(FreeEvent e) {
        Long n = resident.remove(e.folio().pfn());
        if (n != null) {
            residentPages -= n;
            report();
        }
        return FreeAction.RETURN_TO_BUDDY;
    }

    private void report() {
        ctx.reportCapacity(Math.max(0, ctx.managedPages() - reserved - residentPages));
    }
}
