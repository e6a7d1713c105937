package org.mmproto.samples.cxl;

import java.util.EnumSet;
import java.util.Locale;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.pf4j.Extension;

/**
 * The RFC's cxl_mempolicy sample (v4 patch 26): CXL memory that "behaves like normal DRAM but
 * excluded from fallback". The node is in no other node's fallback list, so nothing lands on it
 * by accident; a task reaches it only through a mempolicy (mbind, set_mempolicy) naming it, which
 * NP_OPS_MEMPOLICY allows, and mbind moves existing pages there, which needs NP_OPS_MIGRATION.
 * Reclaim, compaction and khugepaged never see the node.
 *
 * <p>The machine file decides the zone the node is onlined into; the driver works in either.
 * Per-node configuration: {@code zone: normal|movable} to insist on one: bind() then refuses a
 * node the machine onlined elsewhere (CONTRACT R5.5).
 */
@Extension
public final class CxlMempolicyDriver implements PrivateNodeDriver {
    private long migratedFolios;
    private long migratedPages;

    @Override
    public NodeOptIns bind(NodeBinding binding, DriverContext context) {
        ZoneType wanted = wantedZone(binding);
        if (wanted != null && wanted != binding.zone()) {
            throw new IllegalArgumentException("cxl-mempolicy: node " + binding.nid() + " is onlined into ZONE_"
                    + binding.zone() + " but the config asks for ZONE_" + wanted + " (the machine's `online:` decides)");
        }
        return new NodeOptIns(EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY));
    }

    /**
     * Always accepts: the engine then allocates the destination on the node with
     * GFP_HIGHUSER_MOVABLE | __GFP_THISNODE | __GFP_PRIVATE (alloc_migration_target in the sample).
     */
    @Override
    public MigrateTo migrateTo(MigrationRequest request) {
        return MigrateTo.ACCEPT;
    }

    /** Nothing to update on the device (plain memory): count, for reports. */
    @Override
    public void folioMigrate(FolioRef src, FolioRef dst) {
        migratedFolios++;
        migratedPages += dst.nrPages();
    }

    /** Folios whose migration onto or off the node reached folio_migrate. */
    public long migratedFolios() {
        return migratedFolios;
    }

    public long migratedPages() {
        return migratedPages;
    }

    /** The zone the config insists on, or null when it names none. */
    static ZoneType wantedZone(NodeBinding binding) {
        String zone = binding.stringConfig("zone", "").strip().toLowerCase(Locale.ROOT);
        switch (zone) {
            case "":
                return null;
            case "normal":
                return ZoneType.NORMAL;
            case "movable":
                return ZoneType.MOVABLE;
            default:
                throw new IllegalArgumentException("cxl-mempolicy: node " + binding.nid()
                        + ": zone must be normal or movable, not '" + zone + "'");
        }
    }
}
