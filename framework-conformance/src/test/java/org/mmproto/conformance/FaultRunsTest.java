package org.mmproto.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;

/**
 * R6.3's runs: faults are armed once the driver is bound (a bind that allocates is not what is
 * under test), a hang is a real timeout (the driver's hook ran, the engine used the fallback), and
 * the check tells a driver that books what the engine did from one that books what it answered.
 */
public class FaultRunsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void build() throws Exception {
        BrokenDrivers.build(dir);
    }

    /** Books an arrival in folio_migrate and its free in free_folio; accepting books nothing. */
    public static class BooksArrivals implements PrivateNodeDriver {
        private DriverContext ctx;
        private final Map<Long, Long> resident = new HashMap<>();
        private long residentPages;

        @Override
        public NodeOptIns bind(NodeBinding b, DriverContext c) {
            ctx = c;
            report();
            return new NodeOptIns(EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY));
        }

        @Override
        public MigrateTo migrateTo(MigrationRequest r) {
            report();
            return MigrateTo.ACCEPT;
        }

        @Override
        public void folioMigrate(FolioRef src, FolioRef dst) {
            if (dst.nid() == ctx.nid()) {
                resident.put(dst.pfn(), 1L << dst.order());
                residentPages += 1L << dst.order();
                report();
            }
        }

        @Override
        public FreeAction freeFolio(FreeEvent e) {
            Long n = resident.remove(e.folio().pfn());
            if (n != null) {
                residentPages -= n;
                report();
            }
            return FreeAction.RETURN_TO_BUDDY;
        }

        private void report() {
            ctx.reportCapacity(ctx.managedPages() - residentPages);
        }
    }

    /** Needs one page of its node at bind (a ring, a context table), refusing the node without it (R5.5). */
    public static class AllocatesAtBind implements PrivateNodeDriver {
        @Override
        public NodeOptIns bind(NodeBinding b, DriverContext c) {
            if (c.allocOwn(0) < 0) {
                throw new IllegalArgumentException("no page for the ring");
            }
            return new NodeOptIns(EnumSet.noneOf(NpOps.class));
        }
    }

    private static Result faults(DriverUnderTest d, String... specs) {
        ConformanceReport r = ConformanceKit.check(d, ConformanceKit.Options.defaults().withDesign("ops-struct")
                .withFaults(List.of(specs)));
        return r.of(Rules.FAULTS).get(0);
    }

    private static final String HANG_MIGRATE_TO = "driver_hook:hook=migrate_to,interval=2,times=1,probability=100,mode=hang";

    @Test
    void a_timed_out_accept_that_the_driver_booked_fails_R6_3_and_one_it_did_not_book_passes() {
        Result booked = faults(new DriverUnderTest.Jar(dir.resolve("CountsAccepted.jar"), Map.of()), HANG_MIGRATE_TO);
        assertThat(booked.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(booked.where()).contains("migrate_to at", "timed out", "fallback", "capacity", "move-onto");

        Result notBooked = faults(new DriverUnderTest.Type(BooksArrivals.class, "books-arrivals", null, Map.of()),
                HANG_MIGRATE_TO);
        assertThat(notBooked.outcome()).as(notBooked.where()).isEqualTo(Outcome.PASS);
        assertThat(notBooked.detail()).contains("driver_hook migrate_to/hang 1", "quarantined after step");
    }

    @Test
    void the_kits_plan_hangs_one_decision_call_after_its_other_faults() {
        Result r = faults(new DriverUnderTest.Type(BooksArrivals.class, "books-arrivals", null, Map.of()));
        assertThat(r.outcome()).as(r.where()).isEqualTo(Outcome.PASS);
        assertThat(r.detail()).contains("conform-normal: ", "migrate_target", "driver_hook migrate_to/null",
                "driver_hook migrate_to/hang 1, quarantined after step", "conform-movable: ");
        for (String m : List.of("conform-normal", "conform-movable")) { // both machines, each both runs
            assertThat(r.detail().split(m + ": ", -1)).as(m + ": the alloc run and the hang run").hasSize(3);
            assertThat(r.detail()).containsPattern(m + ": \\d+ fault\\(s\\): driver_hook migrate_to/hang 1, quarantined");
        }
    }

    /** Refuses a node onlined into ZONE_NORMAL (R5.5), as a device whose memory must stay movable does. */
    public static class MovableOnly extends BooksArrivals {
        @Override
        public NodeOptIns bind(NodeBinding b, DriverContext c) {
            if (b.zone() != org.mmproto.api.ZoneType.MOVABLE) {
                throw new IllegalArgumentException("movable memory only");
            }
            return super.bind(b, c);
        }
    }

    @Test
    void a_machine_the_driver_refuses_is_named_as_not_faulted() {
        Result r = faults(new DriverUnderTest.Type(MovableOnly.class, "movable-only", null, Map.of()));
        assertThat(r.outcome()).as(r.where()).isEqualTo(Outcome.PASS);
        assertThat(r.detail()).contains("conform-movable: ", "not faulted: bind refused on seeded-workload on conform-normal",
                "movable memory only");
    }

    @Test
    void faults_are_armed_after_bind_so_a_bind_that_allocates_on_the_node_is_still_checked() {
        Result r = faults(new DriverUnderTest.Type(AllocatesAtBind.class, "allocates-at-bind", null, Map.of()),
                "page_alloc:nid=" + Machines.PRIVATE_NID + ",probability=100,times=-1,min_order=0,ignore_gfp_wait=N"
                        + ",ignore_gfp_highmem=N");
        assertThat(r.outcome()).as(r.where()).isEqualTo(Outcome.PASS);
        assertThat(r.detail()).contains("page_alloc");
    }
}
