package org.mmproto.core.hooks;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests;
import org.mmproto.api.driver.Verdict;

/** A test driver that records every callback and answers as configured. */
public class RecordingDriver implements PrivateNodeDriver {
    public final List<String> calls = new ArrayList<>();
    public final List<Requests.FreeEvent> frees = new ArrayList<>();
    final Set<NpOps> flags;
    /** The zone the driver needs its node in; null: any. */
    ZoneType zone;
    public FreeAction freeAnswer = FreeAction.RETURN_TO_BUDDY;
    public MigrateTo migrateToAnswer = MigrateTo.ACCEPT;
    public FaultAction faultAnswer = FaultAction.PROMOTE;
    public Verdict allocAnswer = Verdict.ALLOW;
    public Verdict pinAnswer = Verdict.ALLOW;
    public Verdict filterAnswer = Verdict.ALLOW;
    public Set<org.mmproto.api.driver.NodeCap> caps = EnumSet.noneOf(org.mmproto.api.driver.NodeCap.class);
    DriverContext context;

    public RecordingDriver(Set<NpOps> flags) {
        this.flags = flags.isEmpty() ? EnumSet.noneOf(NpOps.class) : EnumSet.copyOf(flags);
    }

    public static RecordingDriver with(NpOps... flags) {
        return new RecordingDriver(Set.of(flags));
    }

    /** The driver needs its node onlined into {@code z}: bind() refuses a node in another zone. */
    public RecordingDriver onlined(ZoneType z) {
        this.zone = z;
        return this;
    }

    @Override
    public NodeOptIns bind(NodeBinding binding, DriverContext ctx) {
        if (zone != null && binding.zone() != zone) {
            throw new IllegalArgumentException("the test driver needs ZONE_" + zone + ", node " + binding.nid()
                    + " is ZONE_" + binding.zone());
        }
        this.context = ctx;
        calls.add("bind " + binding.nid());
        return new NodeOptIns(flags, caps);
    }

    @Override
    public Verdict allocVeto(Requests.AllocRequest request) {
        calls.add("alloc_veto order " + request.order() + " pid " + request.task().pid());
        return allocAnswer;
    }

    @Override
    public FreeAction freeFolio(Requests.FreeEvent event) {
        calls.add("free_folio " + event.path());
        frees.add(event);
        return freeAnswer;
    }

    @Override
    public MigrateTo migrateTo(Requests.MigrationRequest request) {
        calls.add("migrate_to " + request.to());
        return migrateToAnswer;
    }

    @Override
    public void folioMigrate(FolioRef src, FolioRef dst) {
        calls.add("folio_migrate " + src.nid() + "->" + dst.nid());
    }

    @Override
    public FaultAction handleFault(Requests.FaultRequest request) {
        calls.add("handle_fault");
        return faultAnswer;
    }

    @Override
    public Verdict longtermPin(Requests.PinRequest request) {
        calls.add("longterm_pin pid " + request.task().pid());
        return pinAnswer;
    }

    @Override
    public Verdict migrationFilter(Requests.MigrationRequest request) {
        calls.add("migration_filter " + request.from() + "->" + request.to());
        return filterAnswer;
    }

    @Override
    public org.mmproto.api.driver.Decisions.ReclaimPolicy reclaimPolicy(int nid) {
        calls.add("reclaim_policy");
        return org.mmproto.api.driver.Decisions.ReclaimPolicy.DEFAULT;
    }

    @Override
    public int pressure(int nid) {
        calls.add("pressure");
        return 0;
    }

    @Override
    public void folioSplit(FolioRef original, FolioRef split) {
        calls.add("folio_split");
    }

    @Override
    public void memoryFailure(Requests.MemoryFailureEvent event) {
        calls.add("memory_failure");
    }

    @Override
    public void teardown(Requests.TeardownEvent event) {
        calls.add("teardown " + event.pagesOnNode());
    }

    public long count(String prefix) {
        return calls.stream().filter(c -> c.startsWith(prefix)).count();
    }
}
