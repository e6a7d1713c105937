package org.mmproto.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each broken driver breaks exactly one rule: the kit fails that rule, under some design, and no other. */
class BrokenDriversTest {
    @TempDir
    static Path dir;

    /** Each fixture's report under the kit's defaults, made once (several tests read one). */
    private static final Map<String, ConformanceReport> REPORTS = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void build() throws Exception {
        BrokenDrivers.build(dir);
    }

    static ConformanceReport report(String fixture) {
        return REPORTS.computeIfAbsent(fixture, f -> ConformanceKit.check(new DriverUnderTest.Jar(dir.resolve(f + ".jar"),
                Map.of()), ConformanceKit.Options.defaults()));
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("AsksOptedOut", "R6.2"),
                Arguments.of("AsksUnpinnable", "R4.3"),
                Arguments.of("CountsAccepted", "R6.3"),
                Arguments.of("ForgetsFreePath", "R4.2"),
                Arguments.of("IgnoresFilter", "R4.4"),
                Arguments.of("IgnoresVeto", "R4.1"),
                Arguments.of("ImportsCore", "R3.8"),
                Arguments.of("Inconsistent", "R5.3"),
                Arguments.of("KeepsForever", "R4.2"),
                Arguments.of("LeavesThread", "R6.4"),
                Arguments.of("LeavesProperty", "R6.4"),
                Arguments.of("MigrationLiar", "R6.2"),
                Arguments.of("PinsMovable", "R4.3"),
                Arguments.of("RandomVeto", "R6.1"),
                Arguments.of("ReturnsNull", "R3.2"),
                Arguments.of("SkipsBatchedFrees", "R4.2"),
                Arguments.of("Sleeps", "R3.3"),
                Arguments.of("Spins", "R3.3"),
                Arguments.of("Throws", "R3.1"));
    }

    @ParameterizedTest(name = "{0} fails {1} only")
    @MethodSource("broken")
    void fails_exactly_its_rule(String driver, String rule) {
        ConformanceReport r = report(driver);
        assertThat(r.loadError()).isNull();
        assertThat(r.failedRules()).as(r.results().stream().filter(x -> x.outcome() == Outcome.FAIL)
                .map(x -> x.rule().id() + " " + x.design() + ": " + x.where()).toList().toString()).containsExactly(rule);
        assertThat(r.requiredFailure()).isTrue();
    }

    @Test
    void over_reported_capacity_fails_R1_6_only() {
        fails_exactly_its_rule("OverReports", "R1.6");
    }

    @Test
    void a_design_plugin_that_ignores_the_filters_refusal_fails_R4_4_under_that_design_only() {
        ConformanceReport r = report("IgnoresFilter");
        assertThat(r.results().stream().filter(x -> x.outcome() == Outcome.FAIL).map(Result::design).distinct())
                .containsExactly("ignores-filter");
        Result opsStruct = r.of(Rules.FILTER_REFUSAL).stream().filter(x -> x.design().equals("ops-struct")).findFirst().orElseThrow();
        assertThat(opsStruct.outcome()).as("ops-struct asks the filter and honours its refusal: %s", opsStruct.detail())
                .isEqualTo(Outcome.PASS);
    }

    @Test
    void a_design_plugin_that_hands_out_pages_its_driver_vetoed_fails_R4_1_under_that_design_only() {
        ConformanceReport r = report("IgnoresVeto");
        assertThat(r.results().stream().filter(x -> x.outcome() == Outcome.FAIL).map(Result::design).distinct())
                .containsExactly("ignores-veto");
        assertThat(r.of(Rules.VETO).stream().filter(x -> x.design().equals("ignores-veto")).findFirst().orElseThrow().where())
                .contains("landed on node 2 in the allocation call its driver vetoed");
        Result buddyVeto = r.of(Rules.VETO).stream().filter(x -> x.design().equals("buddy-veto")).findFirst().orElseThrow();
        assertThat(buddyVeto.outcome()).as("buddy-veto honours the veto: %s", buddyVeto.detail()).isEqualTo(Outcome.PASS);
        assertThat(buddyVeto.detail()).matches("\\d+ of \\d+ alloc_veto calls denied, no page of theirs on the node.*");
        Result opsStruct = r.of(Rules.VETO).stream().filter(x -> x.design().equals("ops-struct")).findFirst().orElseThrow();
        assertThat(opsStruct.detail()).isEqualTo("the design asked no alloc_veto");
    }

    @Test
    void a_design_plugin_that_skips_a_promised_free_path_fails_R4_2_under_that_design_only() {
        ConformanceReport r = report("SkipsBatchedFrees");
        assertThat(r.results().stream().filter(x -> x.outcome() == Outcome.FAIL).map(Result::design).distinct())
                .containsExactly("skips-batched-frees");
        assertThat(r.of(Rules.FREE_BALANCE).stream().filter(x -> x.design().equals("skips-batched-frees")).findFirst()
                .orElseThrow().where()).contains("had no free_folio", "freed by folios_put_refs without free_folio");
        for (String d : List.of("buddy-veto", "ops-struct")) {
            Result ok = r.of(Rules.FREE_BALANCE).stream().filter(x -> x.design().equals(d)).findFirst().orElseThrow();
            assertThat(ok.outcome()).as(d + " notifies what it promises: %s", ok.detail()).isEqualTo(Outcome.PASS);
        }
    }

    @Test
    void a_design_plugin_that_asks_an_opted_out_driver_for_an_mbind_fault_fails_R6_2_under_that_design_only() {
        ConformanceReport r = report("AsksOptedOut");
        assertThat(r.results().stream().filter(x -> x.outcome() == Outcome.FAIL).map(Result::design).distinct())
                .containsExactly("forgets-mbind-opt-in");
        assertThat(r.of(Rules.CAPABILITIES).stream().filter(x -> x.design().equals("forgets-mbind-opt-in")).findFirst()
                .orElseThrow().where()).contains("mbind-fault", "opted out of mempolicy", "yet asked alloc_veto");
        // buddy-veto asks alloc_veto of the same faults, but has no mempolicy opt-in: not held to it
        Result buddyVeto = r.of(Rules.CAPABILITIES).stream().filter(x -> x.design().equals("buddy-veto")).findFirst().orElseThrow();
        assertThat(buddyVeto.outcome()).isEqualTo(Outcome.PASS);
    }

    @Test
    void the_mempolicy_opt_in_of_a_design_is_read_from_its_answers() {
        var d = org.mmproto.core.hooks.designs.BuiltInDesigns.all();
        assertThat(d.stream().filter(x -> RunChecks.hasMempolicyOptIn(x, Machines.PRIVATE_NID))
                .map(org.mmproto.api.design.Design::name).sorted().toList())
                .containsExactly("gfp-flag", "ops-struct", "zonelist-private");
    }

    @Test
    void a_driver_whose_books_ignore_the_batched_free_path_fails_R4_2_naming_the_path() {
        ConformanceReport r = report("ForgetsFreePath");
        Result opsStruct = r.of(Rules.FREE_BALANCE).stream().filter(x -> x.design().equals("ops-struct")).findFirst().orElseThrow();
        assertThat(opsStruct.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(opsStruct.where()).contains("after everything was freed", "free_folio call(s) of folio_put and in none of the",
                "of folios_put_refs freeing folios it booked on arrival (folio_migrate)", "ignore that path's free_folio");
        assertThat(r.of(Rules.CAPACITY)).as("the report off its baseline is R4.2's finding, not R1.6's")
                .allMatch(x -> x.outcome() != Outcome.FAIL);
    }

    @Test
    void a_jar_wanting_a_newer_framework_fails_R1_1_and_does_not_load() {
        ConformanceReport r = ConformanceKit.check(new DriverUnderTest.Jar(dir.resolve("WantsNewer.jar"), Map.of()),
                ConformanceKit.Options.defaults());
        assertThat(r.loadError()).contains("WantsNewer.jar").contains(">=99.0.0");
        assertThat(r.failedRules()).containsExactly("R1.1");
    }

    @AfterAll
    static void clearTheFixturesProperty() {
        System.clearProperty("broken.leavesproperty.binds");
    }

    @Test
    void a_property_left_behind_is_named_in_R6_4() {
        ConformanceReport r = ConformanceKit.check(new DriverUnderTest.Jar(dir.resolve("LeavesProperty.jar"), Map.of()),
                ConformanceKit.Options.defaults().withDesign("unpatched"));
        assertThat(r.of(Rules.LIFECYCLE).get(0).where()).contains("system properties set: broken.leavesproperty.binds");
        assertThat(r.failedRules()).containsExactly("R6.4");
    }

    @Test
    void a_file_that_is_no_jar_is_named_as_the_user_gave_it() throws Exception {
        Path notAJar = Files.writeString(dir.resolve("notes.txt"), "not a zip\n");
        ConformanceReport r = ConformanceKit.check(new DriverUnderTest.Jar(notAJar, Map.of()), ConformanceKit.Options.defaults());
        assertThat(r.loadError()).startsWith(notAJar + ": ").contains("not a jar").doesNotContain("notes.txt.jar")
                .doesNotContain("mmproto-conform");
        assertThat(r.of(Rules.DESCRIPTOR).get(0).detail()).isEqualTo(r.loadError());
    }

    @Test
    void a_file_that_is_no_jar_does_not_load_and_conform_exits_2() throws Exception {
        Path notAJar = Files.writeString(dir.resolve("notes.txt"), "not a zip\n");
        assertThat(org.mmproto.core.cli.Main.execute("conform", notAJar.toString())).isEqualTo(2);
        assertThat(org.mmproto.core.cli.Main.execute("conform", dir.resolve("Throws.jar").toString(), "--design",
                "buddy-veto")).isEqualTo(1); // buddy-veto asks free_folio on every free

    }

    @Test
    void an_R6_3_failure_names_the_seed_and_faults_and_conform_fail_reruns_it() {
        ConformanceReport r = ConformanceKit.check(new DriverUnderTest.Jar(dir.resolve("CountsAccepted.jar"), Map.of()),
                ConformanceKit.Options.defaults().withDesign("ops-struct"));
        Result f = r.of(Rules.FAULTS).get(0);
        assertThat(f.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(f.where()).contains("--fail '", "migrate_target", "seed 1", "step ", "R1.6");
        Path jar = dir.resolve("CountsAccepted.jar");
        assertThat(org.mmproto.core.cli.Main.execute("conform", jar.toString(), "--design", "ops-struct",
                "--fail", "migrate_target:probability=50,times=-1")).isEqualTo(1);
        // no fault reaches a fail point: R6.3 is skipped and the driver conforms
        assertThat(org.mmproto.core.cli.Main.execute("conform", jar.toString(), "--design", "ops-struct",
                "--fail", "page_alloc:nid=7")).isEqualTo(0);
    }

    /** Spins fails R3.3 by CPU time (its thread runs throughout), Sleeps by a hang: the two ways to overrun. */
    @Test
    void a_spinning_driver_is_over_its_cpu_budget_and_a_sleeping_one_hung() {
        assertThat(report("Spins").of(Rules.BUDGET).stream().filter(x -> x.outcome() == Outcome.FAIL).findFirst()
                .orElseThrow().where()).contains("of CPU, over its 500 ms budget").doesNotContain("hung");
        assertThat(report("Sleeps").of(Rules.BUDGET).stream().filter(x -> x.outcome() == Outcome.FAIL).findFirst()
                .orElseThrow().where()).contains("hung: got no CPU for");
    }

    @Test
    void a_design_plugin_that_asks_a_driver_without_the_pin_capability_fails_R4_3_under_that_design_only() {
        ConformanceReport r = report("AsksUnpinnable");
        assertThat(r.results().stream().filter(x -> x.outcome() == Outcome.FAIL).map(Result::design).distinct())
                .containsExactly("asks-undeclared-pin");
        assertThat(r.of(Rules.LONGTERM_PIN).stream().filter(x -> x.design().equals("asks-undeclared-pin")).findFirst()
                .orElseThrow().where()).contains("longterm-pin", "declares neither NP_OPS_LONGTERM_PIN", "yet was asked longterm_pin");
        // the built-in designs do not ask the undeclared driver: R4.3 passes on the pins of its pages, not skips
        assertThat(r.of(Rules.LONGTERM_PIN).stream().filter(x -> x.outcome() == Outcome.PASS).map(Result::detail))
                .anyMatch(d -> d.matches("declares no pin capability: not asked; of [1-9]\\d* pins of its pages .*"));
    }

    /** Pins what is not in ZONE_MOVABLE, refuses the rest: R4.3 holds and passes (is not skipped) under ops-struct. */
    public static final class PinsCorrectly implements org.mmproto.api.driver.PrivateNodeDriver {
        @Override
        public org.mmproto.api.driver.NodeOptIns bind(org.mmproto.api.driver.NodeBinding b, org.mmproto.api.driver.DriverContext c) {
            return new org.mmproto.api.driver.NodeOptIns(java.util.EnumSet.of(org.mmproto.api.driver.NpOps.NP_OPS_LONGTERM_PIN,
                    org.mmproto.api.driver.NpOps.NP_OPS_MIGRATION, org.mmproto.api.driver.NpOps.NP_OPS_MEMPOLICY));
        }

        @Override
        public org.mmproto.api.driver.Decisions.MigrateTo migrateTo(org.mmproto.api.driver.Requests.MigrationRequest r) {
            return org.mmproto.api.driver.Decisions.MigrateTo.ACCEPT;
        }

        @Override
        public void folioMigrate(org.mmproto.api.driver.FolioRef s, org.mmproto.api.driver.FolioRef d) {
        }

        @Override
        public org.mmproto.api.driver.Verdict longtermPin(org.mmproto.api.driver.Requests.PinRequest r) {
            return r.folio().zone() == org.mmproto.api.ZoneType.MOVABLE
                    ? org.mmproto.api.driver.Verdict.deny(org.mmproto.api.Errno.ENOMEM, "movable") : org.mmproto.api.driver.Verdict.ALLOW;
        }
    }

    @Test
    void a_correct_pinning_driver_passes_R4_3_under_ops_struct() {
        ConformanceReport r = ConformanceKit.check(new DriverUnderTest.Type(PinsCorrectly.class, "pins-correctly", null, Map.of()),
                ConformanceKit.Options.defaults());
        var opsStruct = r.of(Rules.LONGTERM_PIN).stream().filter(x -> x.design().equals("ops-struct")).toList();
        assertThat(opsStruct).as("%s", opsStruct).isNotEmpty().allMatch(x -> x.outcome() == Outcome.PASS);
        assertThat(opsStruct.get(0).detail()).matches("[1-9]\\d* longterm_pin call\\(s\\): \\d+ ALLOW pinned in place, \\d+ Deny .*");
        assertThat(r.of(Rules.LONGTERM_PIN).stream().filter(x -> x.outcome() == Outcome.FAIL)).isEmpty();
    }

    @Test
    void the_broken_jars_exist() throws Exception {
        try (var s = Files.list(dir)) {
            assertThat(s.filter(p -> p.toString().endsWith(".jar")).count()).isEqualTo(22);
        }
    }
}
