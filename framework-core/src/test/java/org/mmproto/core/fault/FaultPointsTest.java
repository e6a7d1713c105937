package org.mmproto.core.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.Scenario;
import org.mmproto.core.scenario.ScenarioFiles;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;
import org.mmproto.core.trace.Tracer;
import org.mmproto.api.design.Design;
import org.mmproto.core.hooks.designs.BuiltInDesigns;

/**
 * Each fail point forces its documented failure, the attributes filter and count as
 * fail_page_alloc's do, and the engine's invariants hold afterwards (the runner checks DebugVm
 * after every step that injected a fault; the reports must show none broken).
 */
class FaultPointsTest {
    private static Design opsStruct() {
        return BuiltInDesigns.all().stream().filter(d -> d.name().equals("ops-struct")).findFirst().orElseThrow();
    }

    private static Kernel kernel(String spec) {
        return Kernel.boot(MachineFiles.bundled("private-normal"), opsStruct(), List.of(), java.time.Duration.ZERO,
                c -> { }, Tracer.OFF, FaultInjector.parse(List.of(spec), 7));
    }

    @Test
    void page_alloc_fails_with_enomem_times_and_interval_count_and_nofail_is_never_failed() {
        Kernel k = kernel("page_alloc:probability=100,interval=2,times=2,ignore_gfp_wait=N");
        int gfp = Gfp.parse("GFP_KERNEL").bits();
        long[] got = new long[6];
        for (int i = 0; i < got.length; i++) {
            got[i] = k.alloc().allocPages(gfp, 1, 0, null, 0);
        }
        // every 2nd call that passes the filters fails, twice at most
        assertThat(got[0]).isNotNegative();
        assertThat(got[1]).isEqualTo(-Errno.ENOMEM.code());
        assertThat(got[2]).isNotNegative();
        assertThat(got[3]).isEqualTo(-Errno.ENOMEM.code());
        assertThat(got[4]).isNotNegative();
        assertThat(got[5]).isNotNegative();
        assertThat(k.alloc().allocPages(gfp, 0, 0, null, 0)).as("below min_order").isNotNegative();
        assertThat(k.mem().faults().injected()).extracting(FaultInjector.Injected::point)
                .containsExactly(FailPoint.PAGE_ALLOC, FailPoint.PAGE_ALLOC);

        Kernel always = kernel("page_alloc:probability=100,times=-1,min_order=0,ignore_gfp_wait=N");
        assertThat(always.alloc().allocPages(gfp, 0, 0, null, 0)).isEqualTo(-Errno.ENOMEM.code());
        assertThat(always.alloc().allocPages(Gfp.parse("GFP_KERNEL|__GFP_NOFAIL").bits(), 0, 0, null, 0))
                .as("__GFP_NOFAIL is never failed").isNotNegative();
        assertThat(DebugVm.check(always.mem())).isEmpty();
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void filters_by_node_and_gfp() {
        Kernel k = kernel("page_alloc:probability=100,times=-1,min_order=0,ignore_gfp_wait=N,ignore_gfp_highmem=N,"
                + "nid=1,gfp=__GFP_MOVABLE");
        int kernelGfp = Gfp.parse("GFP_KERNEL").bits();
        int user = Gfp.parse("GFP_HIGHUSER_MOVABLE").bits();
        assertThat(k.alloc().allocPages(user, 0, 0, null, 0)).as("other node").isNotNegative();
        assertThat(k.alloc().allocPages(kernelGfp, 0, 1, null, 1)).as("no __GFP_MOVABLE").isNotNegative();
        assertThat(k.alloc().allocPages(user, 0, 1, null, 1)).isEqualTo(-Errno.ENOMEM.code());
    }

    @Test
    void migrate_target_stops_the_move_with_enomem() {
        RunReport base = run("move-pages", null);
        RunReport r = run("move-pages", "migrate_target:probability=100,times=-1");
        assertThat(base.vmstat().get("pgmigrate_success")).isPositive();
        assertThat(r.vmstat().get("pgmigrate_success")).isZero();
        assertThat(r.invariants()).isEmpty();
    }

    @Test
    void migrate_copy_fails_the_folio_which_stays() {
        RunReport base = run("move-pages", null);
        RunReport r = run("move-pages", "migrate_copy:probability=100,times=-1");
        assertThat(r.vmstat().get("pgmigrate_fail")).isGreaterThan(base.vmstat().get("pgmigrate_fail"));
        assertThat(r.vmstat().get("pgmigrate_success")).isZero();
        assertThat(r.invariants()).isEmpty();
    }

    @Test
    void swap_write_keeps_the_folio_mapped_and_activates_it() throws Exception {
        RunReport base = runReclaim(null);
        RunReport r = runReclaim("swap_write:probability=50,times=-1");
        assertThat(base.vmstat().get("pswpout")).isPositive();
        assertThat(r.vmstat().get("pswpout")).isLessThan(base.vmstat().get("pswpout"));
        assertThat(r.vmstat().get("pgactivate")).isGreaterThan(base.vmstat().get("pgactivate"));
        assertThat(r.invariants()).isEmpty();
    }

    @Test
    void bad_specs_name_the_problem() {
        assertThatThrownBy(() -> FailAttr.parse("page_allok")).hasMessageContaining("unknown fail point 'page_allok'");
        assertThatThrownBy(() -> FailAttr.parse("page_alloc:probability=101")).hasMessageContaining("probability=101");
        assertThatThrownBy(() -> FailAttr.parse("page_alloc:hook=alloc_veto")).hasMessageContaining("driver_hook only");
        assertThatThrownBy(() -> FailAttr.parse("driver_hook:mode=explode")).hasMessageContaining("throw, hang or null");
        assertThatThrownBy(() -> FailAttr.parse("driver_hook:hook=alloc_veto,free_foli")).hasMessageContaining(
                "hook=free_foli: no such hook; known: alloc_veto, free_folio");
        assertThatThrownBy(() -> FailAttr.parse("driver_hook:mode=hang,alloc_veto")).hasMessageContaining(
                "'alloc_veto' is not key=value");
    }

    @Test
    void a_hook_filter_names_one_or_more_hooks_up_to_the_next_attribute() {
        FailAttr two = FailAttr.parse("driver_hook:hook=alloc_veto,migrate_to,mode=hang,interval=3");
        assertThat(two.hooks()).containsExactlyInAnyOrder("alloc_veto", "migrate_to");
        assertThat(two.mode()).isEqualTo(FailAttr.Mode.HANG);
        assertThat(two.interval()).isEqualTo(3);
        assertThat(two.matchesHook("migrate_to")).isTrue();
        assertThat(two.matchesHook("free_folio")).isFalse();
        assertThat(FailAttr.parse("driver_hook").matchesHook("free_folio")).as("no filter: every hook").isTrue();

        FaultInjector f = FaultInjector.parse(List.of("driver_hook:hook=alloc_veto,migrate_to,mode=hang,probability=100,times=-1"), 1);
        assertThat(f.failHook("free_folio", 2)).isNull();
        assertThat(f.failHook("folio_migrate", 2)).isNull();
        assertThat(f.failHook("migrate_to", 2)).isEqualTo(FailAttr.Mode.HANG);
        assertThat(f.failHook("alloc_veto", 2)).isEqualTo(FailAttr.Mode.HANG);
    }

    @Test
    void a_disarmed_injector_fails_and_counts_nothing_until_armed() {
        FaultInjector f = FaultInjector.parse(List.of("page_alloc:probability=100,interval=2,times=1,min_order=0"), 1);
        f.arm(false);
        for (int i = 0; i < 5; i++) {
            assertThat(f.fail(FailPoint.PAGE_ALLOC, 0, 0, 2)).isFalse();
        }
        f.arm(true);
        assertThat(f.fail(FailPoint.PAGE_ALLOC, 0, 0, 2)).as("the interval counts armed calls only").isFalse();
        assertThat(f.fail(FailPoint.PAGE_ALLOC, 0, 0, 2)).isTrue();
        assertThat(f.injectedCount()).isEqualTo(1);
        FaultInjector.OFF.arm(true);
        assertThat(FaultInjector.OFF.fail(FailPoint.PAGE_ALLOC, 0, 0, 2)).isFalse();
    }

    static RunReport run(String name, String spec) {
        return run(ScenarioParser.parse(ScenarioFiles.resolve(name)), spec);
    }

    static RunReport run(Scenario s, String spec) {
        FaultInjector f = spec == null ? FaultInjector.OFF : FaultInjector.parse(List.of(spec), 3);
        RunReport r = new ScenarioRunner(s).instrument(Tracer.OFF, f).run();
        if (spec != null) {
            assertThat(f.injectedCount()).as("faults injected by " + spec).isPositive();
        }
        return r;
    }

    /** reclaim-swap without its driver plugin, under unpatched. */
    static RunReport runReclaim(String spec) throws Exception {
        Path file = ScenarioFiles.resolve("reclaim-swap");
        String yaml = Files.readString(file).replace("drivers:\n  - {plugin: cxl-mempolicy, node: 2}\n", "")
                .replace("machine: private-normal", "machine: private-normal\ndesign: unpatched");
        return run(ScenarioParser.parse(yaml, "reclaim-swap.yaml", file.getParent()), spec);
    }
}
