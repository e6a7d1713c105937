package broken;

import java.util.EnumSet;
import org.mmproto.api.FreePath;
import org.mmproto.api.design.Design;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.*;
import org.mmproto.api.driver.Decisions.*;
import org.mmproto.api.driver.Requests.*;

/**
 * R4.2 from the design's side, an unnotified free path: the jar ships a design plugin that
 * promises free_folio on every free path but never calls it on the batched one (folios_put_refs:
 * munmap, MADV_DONTNEED, exit), as a patch that wired __folio_put and forgot free_unref_folios
 * would. The driver only answers; under buddy-veto and ops-struct, which call it on the paths they
 * promise, it conforms.
 */
public class SkipsBatchedFrees implements PrivateNodeDriver {
    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.noneOf(NpOps.class)); }
    @Override public FreeAction freeFolio(FreeEvent e) { return FreeAction.RETURN_TO_BUDDY; }

    /** Mainline everywhere, free_folio promised on every path and skipped on folios_put_refs. */
    public static final class BatchForgettingDesign implements Design {
        @Override public String name() { return "skips-batched-frees"; }
        @Override public String summary() { return "promises free_folio on every path, skips folios_put_refs (broken fixture)"; }
        @Override public String source() { return "framework-conformance tests"; }
        @Override public boolean notifiesFree(FreePath path) { return true; }
        @Override public FreeAction free(FreeEvent event, DriverAccess driver) {
            return event.path() == FreePath.FOLIOS_PUT ? FreeAction.RETURN_TO_BUDDY : driver.freeFolio(event);
        }
    }
}
