package org.mmproto.core.fuzz;

import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.mmproto.api.Errno;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests;
import org.mmproto.api.driver.Verdict;

/**
 * A seeded driver that answers at random and misbehaves on purpose: each callback throws with
 * probability {@code pThrow} and returns null with {@code pNull}; the engine must contain both.
 */
final class FlakyDriver implements PrivateNodeDriver {
    private final SplittableRandom rnd;
    private final Set<NpOps> flags;
    private final ZoneType zone;
    private final double pThrow;
    private final double pNull;

    FlakyDriver(long seed, Set<NpOps> flags, ZoneType zone, double pThrow, double pNull) {
        this.rnd = new SplittableRandom(seed);
        this.flags = flags.isEmpty() ? EnumSet.noneOf(NpOps.class) : EnumSet.copyOf(flags);
        this.zone = zone;
        this.pThrow = pThrow;
        this.pNull = pNull;
    }

    /** Throws, or says whether to return null this time. */
    private boolean misbehave(String hook) {
        double r = rnd.nextDouble();
        if (r < pThrow) {
            throw new IllegalStateException("flaky driver: " + hook + " failed on purpose");
        }
        return r < pThrow + pNull;
    }

    @Override
    public NodeOptIns bind(NodeBinding binding, DriverContext context) {
        return new NodeOptIns(flags);
    }

    @Override
    public Verdict allocVeto(Requests.AllocRequest request) {
        if (misbehave("alloc_veto")) {
            return null;
        }
        return rnd.nextInt(4) == 0 ? Verdict.deny(Errno.ENOMEM, "flaky") : Verdict.ALLOW;
    }

    @Override
    public FreeAction freeFolio(Requests.FreeEvent event) {
        if (misbehave("free_folio")) {
            return null;
        }
        return FreeAction.RETURN_TO_BUDDY; // KEEP would leak by design; the fuzzer checks the engine
    }

    @Override
    public Verdict longtermPin(Requests.PinRequest request) {
        if (misbehave("longterm_pin")) {
            return null;
        }
        return rnd.nextBoolean() ? Verdict.ALLOW : Verdict.deny(Errno.EBUSY, "flaky");
    }

    @Override
    public Verdict migrationFilter(Requests.MigrationRequest request) {
        if (misbehave("migration_filter")) {
            return null;
        }
        return rnd.nextInt(4) == 0 ? Verdict.deny(Errno.EBUSY, "flaky") : Verdict.ALLOW;
    }

    @Override
    public MigrateTo migrateTo(Requests.MigrationRequest request) {
        if (misbehave("migrate_to")) {
            return null;
        }
        return rnd.nextInt(4) == 0 ? MigrateTo.refuse(Errno.ENOSPC) : MigrateTo.ACCEPT;
    }

    @Override
    public void folioMigrate(FolioRef src, FolioRef dst) {
        misbehave("folio_migrate");
    }

    @Override
    public FaultAction handleFault(Requests.FaultRequest request) {
        if (misbehave("handle_fault")) {
            return null;
        }
        return FaultAction.values()[rnd.nextInt(3)];
    }

    @Override
    public void folioSplit(FolioRef original, FolioRef split) {
        misbehave("folio_split");
    }

    @Override
    public ReclaimPolicy reclaimPolicy(int nid) {
        return misbehave("reclaim_policy") ? null : ReclaimPolicy.DEFAULT;
    }

    @Override
    public void memoryFailure(Requests.MemoryFailureEvent event) {
        misbehave("memory_failure");
    }

    @Override
    public void teardown(Requests.TeardownEvent event) {
        misbehave("teardown");
    }

    @Override
    public int pressure(int nid) {
        misbehave("pressure");
        return rnd.nextInt(100);
    }
}
