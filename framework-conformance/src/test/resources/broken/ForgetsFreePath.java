package broken;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import org.mmproto.api.FreePath;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

/**
 * R4.2 from the driver's side: its capacity report books every folio that arrives on its node
 * (folio_migrate) and gives it back in free_folio, but only for a folio freed on its own
 * (folio_put, __free_pages): it forgot the batched path of unmap and exit (folios_put_refs), so
 * the free notifications it is sent do not balance the arrivals it booked.
 */
public class ForgetsFreePath implements PrivateNodeDriver {
    private DriverContext ctx;
    private final Map<Long, Long> resident = new HashMap<>();
    private long residentPages;

    public NodeOptIns bind(NodeBinding b, DriverContext c) {
        ctx = c;
        report();
        return new NodeOptIns(EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY));
    }

    @Override public MigrateTo migrateTo(MigrationRequest r) { return MigrateTo.ACCEPT; }

    @Override public void folioMigrate(FolioRef src, FolioRef dst) {
        if (dst.nid() == ctx.nid()) {
            resident.put(dst.pfn(), 1L << dst.order());
            residentPages += 1L << dst.order();
            report();
        }
    }

    @Override public FreeAction freeFolio(FreeEvent e) {
        if (e.path() != FreePath.FOLIOS_PUT) {
            Long n = resident.remove(e.folio().pfn());
            if (n != null) {
                residentPages -= n;
                report();
            }
        }
        return FreeAction.RETURN_TO_BUDDY;
    }

    private void report() {
        ctx.reportCapacity(ctx.managedPages() - residentPages);
    }
}
