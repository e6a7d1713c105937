package org.mmproto.core.hooks.designs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.NodeMask;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.AllocGate;
import org.mmproto.api.design.Design;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.design.HomeNodeRequest;
import org.mmproto.api.design.UserAllocation;
import org.mmproto.api.design.ZonelistKind;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/**
 * Which driver hooks each built-in design consults, with a driver that opted into everything:
 * every design method is called once and the hooks it reached are recorded (notification hooks
 * through the design's notifies* answers). It covers the design methods of every site, those
 * without an engine path yet (demotion, promotion, khugepaged, compaction) included; which site
 * asks which hook on the engine's own paths is HookSitesThroughTheEngineTest's. The table is the
 * design matrix's "what the driver is asked" column plus ops-struct's readings marked [I] in its
 * javadoc (longterm_pin, migration_filter, teardown); every hook of the driver API must be
 * consulted by at least one design.
 */
class HookConsultationTableTest {
    private static final TaskRef TASK = new TaskRef(100, "t", 1000);
    private static final FolioRef FOLIO = new FolioRef(0x1000, 0, 2, ZoneType.NORMAL, true, 1);

    /** A driver that opted into every v4 flag and v5 capability, recording each hook call. */
    private static final class Recording implements DriverAccess {
        final Set<Hook> asked = EnumSet.noneOf(Hook.class);

        @Override
        public int nid() {
            return 2;
        }

        @Override
        public boolean present() {
            return true;
        }

        @Override
        public NodeOptIns optIns() {
            return new NodeOptIns(EnumSet.allOf(NpOps.class), EnumSet.allOf(NodeCap.class));
        }

        @Override
        public Verdict allocVeto(Requests.AllocRequest request) {
            asked.add(Hook.ALLOC_VETO);
            return Verdict.ALLOW;
        }

        @Override
        public FreeAction freeFolio(Requests.FreeEvent event) {
            asked.add(Hook.FREE_FOLIO);
            return FreeAction.RETURN_TO_BUDDY;
        }

        @Override
        public Verdict longtermPin(Requests.PinRequest request) {
            asked.add(Hook.LONGTERM_PIN);
            return Verdict.ALLOW;
        }

        @Override
        public Verdict migrationFilter(Requests.MigrationRequest request) {
            asked.add(Hook.MIGRATION_FILTER);
            return Verdict.ALLOW;
        }

        @Override
        public MigrateTo migrateTo(Requests.MigrationRequest request) {
            asked.add(Hook.MIGRATE_TO);
            return MigrateTo.ACCEPT;
        }

        @Override
        public FaultAction handleFault(Requests.FaultRequest request) {
            asked.add(Hook.HANDLE_FAULT);
            return FaultAction.PROMOTE;
        }

        @Override
        public ReclaimPolicy reclaimPolicy() {
            asked.add(Hook.RECLAIM_POLICY);
            return ReclaimPolicy.DEFAULT;
        }

        @Override
        public int pressure() {
            asked.add(Hook.PRESSURE);
            return 0;
        }
    }

    private static Set<Hook> consulted(Design d) {
        Recording r = new Recording();
        var req = new Requests.AllocRequest(2, 0, Gfp.GFP_HIGHUSER_MOVABLE, 2, TASK, true, null);
        var gate = new AllocGate(req, ZonelistKind.PRIVATE, true);
        var onto = new Requests.MigrationRequest(FOLIO, 0, 2, MigrateReason.MR_SYSCALL, TASK);
        var off = new Requests.MigrationRequest(FOLIO, 2, 0, MigrateReason.MR_SYSCALL, TASK);
        d.userAllocation(new UserAllocation(2, Gfp.GFP_HIGHUSER_MOVABLE, 0, Site.PAGE_ALLOC, null, NodeMask.of(2), true,
                true, 0, TASK), r);
        d.alloc(gate, r);
        d.handout(gate, r);
        for (FreePath p : FreePath.values()) {
            d.free(new Requests.FreeEvent(FOLIO, p), r);
        }
        for (Site s : new Site[] {Site.SET_MEMPOLICY, Site.MBIND, Site.MIGRATE_NODE}) {
            d.policyTarget(s, TASK, r);
        }
        d.homeNode(new HomeNodeRequest(2, 0x7000, 4096, TASK), r);
        d.migrate(onto, true, r);
        d.migrate(off, false, r);
        d.longtermPin(new Requests.PinRequest(FOLIO, TASK), r);
        if (d.writeProtected(r)) {
            d.writeFault(new Requests.FaultRequest(FOLIO, 0x7000, TASK), r);
        }
        d.reclaim(2, r);
        d.demotion(new Requests.MigrationRequest(FOLIO, 0, 2, MigrateReason.MR_DEMOTION, TASK), r);
        d.promotion(new Requests.MigrationRequest(FOLIO, 2, 0, MigrateReason.MR_NUMA_MISPLACED, TASK), r);
        d.collapse(new Requests.CollapseRequest(FOLIO, 0x7000, TASK, false), r);
        d.compaction(new Requests.CompactionRequest(2, 0, true), r);
        Set<Hook> out = EnumSet.copyOf(r.asked.isEmpty() ? EnumSet.noneOf(Hook.class) : r.asked);
        if (d.notifiesMigration()) {
            out.add(Hook.FOLIO_MIGRATE);
        }
        if (d.notifiesSplit()) {
            out.add(Hook.FOLIO_SPLIT);
        }
        if (d.notifiesMemoryFailure()) {
            out.add(Hook.MEMORY_FAILURE);
        }
        if (d.notifiesTeardown()) {
            out.add(Hook.TEARDOWN);
        }
        return out;
    }

    @Test
    void each_design_consults_the_hooks_the_design_matrix_gives_it() {
        Map<String, Set<Hook>> expected = new LinkedHashMap<>();
        expected.put("unpatched", EnumSet.noneOf(Hook.class));
        expected.put("ops-struct", EnumSet.of(Hook.FREE_FOLIO, Hook.LONGTERM_PIN, Hook.MIGRATION_FILTER, Hook.MIGRATE_TO,
                Hook.FOLIO_MIGRATE, Hook.HANDLE_FAULT, Hook.FOLIO_SPLIT, Hook.RECLAIM_POLICY, Hook.MEMORY_FAILURE,
                Hook.TEARDOWN));
        expected.put("gfp-flag", EnumSet.of(Hook.PRESSURE));               // migration_blocked back-pressure
        expected.put("buddy-veto", EnumSet.of(Hook.ALLOC_VETO, Hook.FREE_FOLIO));
        expected.put("fallback-only", EnumSet.noneOf(Hook.class));
        expected.put("memalloc-scope", EnumSet.noneOf(Hook.class));
        expected.put("zonelist-private", EnumSet.noneOf(Hook.class));     // v5: no callbacks
        Map<String, Set<Hook>> actual = new LinkedHashMap<>();
        for (Design d : BuiltInDesigns.all()) {
            actual.put(d.name(), consulted(d));
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void every_hook_of_the_driver_api_is_consulted_by_some_built_in_design() {
        Map<Hook, Set<String>> byHook = new TreeMap<>();
        for (Hook h : Hook.values()) {
            // R4.16, R4.17, R7.1/R7.3 and R1.10: the engine calls these under every design, no design asks them
            if (h != Hook.DEVICE_STORE && h != Hook.DEVICE_LOAD && h != Hook.DEVICE_MMAP && h != Hook.DEVICE_CONTROL
                    && h != Hook.DELAYED_WORK) {
                byHook.put(h, new java.util.TreeSet<>());
            }
        }
        for (Design d : BuiltInDesigns.all()) {
            for (Hook h : consulted(d)) {
                byHook.get(h).add(d.name());
            }
        }
        assertThat(byHook).allSatisfy((hook, designs) -> assertThat(designs).as(hook.kernelName()).isNotEmpty());
    }
}
