package org.mmproto.core.cli;

import org.mmproto.core.testkit.CliCapture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixed command names and their exit statuses, as scripts call them. */
class CliTest {
    private static CliCapture.Run run(String... args) {
        return CliCapture.run(args);
    }

    @Test
    void topo_prints_numactl_hardware_fallback_order_and_watermarks_of_the_default_machine() {
        CliCapture.Run r = run("topo");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("available: 3 nodes (0-2)", "node distances:", "Fallback order for Node 2: 2 0 1",
                "Node 0, zone   Normal", "min_free_kbytes: 90112", "bytes per 4 KiB page");
    }

    @Test
    void topo_of_a_private_machine_lists_the_private_node_apart() {
        CliCapture.Run r = run("topo", "private-cxl");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("has_private_memory: 2", "Fallback order for Node 0: 0 1\n");
        CliCapture.Run mainline = run("topo", "private-cxl", "--design", "unpatched");
        assertThat(mainline.out()).contains("has_memory:        0-2", "Fallback order for Node 0: 0 1 2\n");
        assertThat(run("topo", "private-cxl", "--design", "zonelist-private").out())
                .contains("Fallback order for Node 2: 0 1\n");
    }

    @Test
    void stress_prints_vmstat_and_buddyinfo_and_is_deterministic_per_seed() {
        CliCapture.Run a = run("stress", "--machine", "single", "--ops", "20000", "--seed", "3", "--no-progress");
        CliCapture.Run b = run("stress", "--machine", "single", "--ops", "20000", "--seed", "3", "--no-progress");
        assertThat(a.status()).isZero();
        assertThat(a.out()).contains("# /proc/vmstat", "pgalloc_dma32 ", "pgfree ", "# /proc/buddyinfo", "Node 0, zone    DMA32");
        assertThat(strip(a.out())).isEqualTo(strip(b.out()));
    }

    @Test
    void stress_check_and_free_all_end_with_the_boot_buddyinfo() {
        CliCapture.Run r = run("stress", "--machine", "single", "--ops", "3000", "--check", "--free-all", "--no-progress");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("buddyinfo equals the boot state", "invariants held after every step");
    }

    @Test
    void a_bad_machine_file_exits_2_naming_file_line_and_expectation(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "nodes:\n  - size: 16GiB\n    cpus: 0-3\n  - size: 4097\n");
        CliCapture.Run r = run("topo", f.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("bad.yaml:4:", "4096");
    }

    @Test
    void a_pasted_numactl_hardware_text_is_a_machine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("numa.txt");
        Files.writeString(f, "available: 2 nodes (0-1)\nnode 0 cpus: 0 1\nnode 0 size: 2048 MB\nnode 0 free: 1000 MB\n"
                + "node 1 cpus: 2 3\nnode 1 size: 2048 MB\nnode 1 free: 1000 MB\nnode distances:\nnode   0   1 \n"
                + "  0:  10  21 \n  1:  21  10 \n");
        CliCapture.Run r = run("topo", f.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("node 1 size: 2048 MB", "  0:  10  21 ");
    }

    @Test
    void help_explains_every_command() {
        CliCapture.Run r = run("--help");
        assertThat(r.out()).contains("topo", "stress", "numactl --hardware");
        assertThat(run("stress", "--help").out()).contains("--check", "--seed", "--ops", "--machine");
    }

    private static String strip(String out) {
        return out.replaceAll("(?m)^# stress: .*$", "");
    }

    @Test
    void designs_lists_the_five_built_in_designs_with_their_sources(@TempDir Path noPlugins) {
        CliCapture.Run r = run("designs", "--plugins", noPlugins.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("ops-struct", "gfp-flag", "buddy-veto", "fallback-only", "memalloc-scope",
                "source: [RFC PATCH v4 00/27]", "from: built-in");
    }

    @Test
    void compare_json_has_one_run_object_per_design_and_the_differing_lines(@TempDir Path noPlugins) throws Exception {
        CliCapture.Run r = run("compare", "private-node-audit", "--format", "json", "--designs", "ops-struct,fallback-only",
                "--plugins", noPlugins.toString());
        assertThat(r.status()).as(r.err()).isZero();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(json.get("passed").asBoolean()).isTrue();
        assertThat(json.get("designs").has("ops-struct")).isTrue();
        var fallback = json.get("designs").get("fallback-only");
        var privacy = fallback.get("privacy");
        assertThat(privacy.get("breaches").size()).isPositive();
        assertThat(privacy.get("breaches").get(0).get("line").asInt()).isPositive();
        assertThat(privacy.get("breach_counts").get("leak").asInt()).isPositive();
        assertThat(privacy.get("sites").get("zonelist_build").get("decisions").asInt()).isEqualTo(1);
        assertThat(privacy.get("footprint").get(0).get("file").asText()).startsWith("mm/");
        assertThat(json.get("designs").get("ops-struct").get("privacy").has("hooks")).isTrue();
        assertThat(fallback.get("steps")).isNotEmpty();
        assertThat(fallback.has("vmstat")).isTrue();
        assertThat(json.get("differing_lines").size()).isPositive();
    }

    @Test
    void compare_markdown_and_an_unknown_design_name(@TempDir Path noPlugins) {
        CliCapture.Run md = run("compare", "private-node-audit", "--format", "markdown", "--plugins",
                noPlugins.toString());
        assertThat(md.out()).contains("| invariant | unpatched | ops-struct | gfp-flag | buddy-veto | fallback-only | memalloc-scope | zonelist-private |");
        CliCapture.Run bad = run("compare", "private-node-audit", "--designs", "ops-strut", "--plugins",
                noPlugins.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown design 'ops-strut'");
    }

    // ---- values checked where they are given ---------------------------------------------

    @Test
    void bench_policy_naming_a_node_the_machine_lacks_is_rejected_as_set_mempolicy_would() {
        CliCapture.Run r = run("bench", "faults", "--policy", "bind:9", "--size", "8KiB", "--rounds", "1", "--warmup", "0");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("--policy bind:9: set_mempolicy fails with EINVAL", "nodes with memory: 0-2");
    }

    @Test
    void bench_size_not_a_page_multiple_is_rounded_up_as_mmap_does_and_counted_so() {
        CliCapture.Run r = run("bench", "faults", "--machine", "single", "--size", "6KiB", "--rounds", "1", "--warmup", "0");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("--size 6KiB rounded up to 8KiB (2 pages)", "round 0: 2 faults",
                "pgfault 2, pages per round 2");
    }

    @Test
    void bench_reports_the_median_round_between_the_best_and_the_slowest() {
        CliCapture.Run r = run("bench", "faults", "--machine", "single", "--size", "4MiB", "--rounds", "5", "--warmup", "0");
        assertThat(r.status()).isZero();
        long median = Long.parseLong(r.out().replaceAll("(?s).*median_round_faults_per_s=(\\d+).*", "$1"));
        long best = Long.parseLong(r.out().replaceAll("(?s).*best_round_faults_per_s=(\\d+).*", "$1"));
        assertThat(median).isPositive().isLessThanOrEqualTo(best);
        assertThat(BenchFaultsCommand.medianNanos(new long[] {1, 2, 9})).isEqualTo(2.0);
        assertThat(BenchFaultsCommand.medianNanos(new long[] {1, 2, 4, 9})).isEqualTo(3.0);
    }

    @Test
    void bench_rounds_are_bounded() {
        CliCapture.Run r = run("bench", "faults", "--rounds", "2000000000");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--rounds must be in 1..10000");
    }

    @Test
    void stress_proc_names_are_checked_before_the_run() {
        CliCapture.Run r = run("stress", "--machine", "single", "--ops", "1000", "--proc", "vmstat,bogus", "--no-progress");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).as("nothing ran").isEmpty();
        assertThat(r.err()).contains("unknown --proc file 'bogus'");
    }

    @Test
    void stress_ops_have_a_documented_maximum() {
        CliCapture.Run r = run("stress", "--ops", "9000000000000000000", "--no-progress");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("--ops must be in 0..1000000000");
        assertThat(run("stress", "--help").out()).contains("at most 10^9");
    }

    @Test
    void a_device_is_not_a_regular_file_rather_than_no_such_file() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")));
        CliCapture.Run r = run("topo", "/dev/zero");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("/dev/zero: is not a regular file");
        assertThat(run("run", "/dev/zero").err()).contains("/dev/zero: is not a regular file");
    }

    @Test
    void plugins_given_as_a_regular_file_is_not_a_directory(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("passwd"), "root:x:0:0\n");
        for (String cmd : new String[] {"run", "plugins", "designs"}) {
            CliCapture.Run r = run(cmd, "--plugins", f.toString());
            assertThat(r.status()).as(cmd).isEqualTo(2);
            assertThat(r.out()).as(cmd + " prints nothing first").isEmpty();
            assertThat(r.err()).as(cmd).contains("--plugins " + f + ": not a directory (a regular file)");
        }
    }

    @Test
    void a_machine_without_any_cpu_is_rejected(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("nocpu.yaml"), "nodes:\n  - size: 1GiB\n");
        CliCapture.Run r = run("topo", f.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("nocpu.yaml:2:", "Linux needs at least one cpu");
    }

    @Test
    void numactl_text_with_sparse_node_ids_boots_and_prints_like_the_real_machine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sparse.txt");
        Files.writeString(f, "available: 2 nodes (0,2)\nnode 0 cpus: 0 1\nnode 0 size: 2048 MB\nnode 0 free: 1000 MB\n"
                + "node 2 cpus: 2 3\nnode 2 size: 2048 MB\nnode 2 free: 1000 MB\nnode distances:\nnode   0   2 \n"
                + "  0:  10  21 \n  2:  21  10 \n");
        CliCapture.Run r = run("topo", f.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("available: 2 nodes (0,2)", "node 2 size: 2048 MB", "node   0   2 \n",
                "  2:  21  10 \n", "online:            0,2", "Fallback order for Node 0: 0 2",
                "Fallback order for Node 2: 2 0");
        assertThat(r.out()).doesNotContain("node 1 ", "Fallback order for Node 1");
    }

    @Test
    void three_digit_distances_take_numactl_2_0_19s_wider_columns(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("far.yaml"), "nodes:\n  - {size: 1GiB, cpus: 0}\n  - {size: 1GiB}\n"
                + "distances:\n  - [10, 120]\n  - [120, 10]\n");
        CliCapture.Run r = run("topo", f.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("node distances:\nnode     0    1 \n   0:   10  120 \n   1:  120   10 \n");
    }

    // ---- help text ------------------------------------------------------------------------

    @Test
    void top_level_help_gives_each_command_a_whole_one_line_summary() {
        String out = run("--help").out();
        String commands = out.substring(out.indexOf("Commands:"), out.indexOf("Examples:"));
        for (String line : commands.strip().lines().skip(1).toList()) {
            assertThat(line).as("a command summary line").matches("  [a-z]+ +\\S.*\\.");
        }
    }

    @Test
    void every_help_fits_80_columns_and_option_descriptions_wrap_as_paragraphs() {
        String[][] commands = {{}, {"topo"}, {"stress"}, {"bench"}, {"bench", "faults"}, {"run"}, {"plugins"},
            {"compare"}, {"designs"}};
        for (String[] c : commands) {
            String[] args = java.util.Arrays.copyOf(c, c.length + 1);
            args[c.length] = "--help";
            java.util.List<String> lines = run(args).out().lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                assertThat(line.length()).as(String.join(" ", args) + ": " + line).isLessThanOrEqualTo(80);
                boolean continued = i + 1 < lines.size() && lines.get(i + 1).matches(" {26,}\\S.*");
                if (line.matches(" {26,}\\S.*") && continued) {
                    // a wrapped paragraph fills its lines; a short line followed by more text is a broken wrap
                    assertThat(line.strip().length()).as(String.join(" ", args) + ": '" + line + "'")
                            .isGreaterThan(30);
                }
            }
        }
    }

    // ---- compare ---------------------------------------------------------------------------

    @Test
    void compare_of_a_directory_reports_a_bad_file_runs_the_rest_and_exits_2(@TempDir Path dir) throws Exception {
        Path scenarios = Files.createDirectory(dir.resolve("s"));
        Files.writeString(scenarios.resolve("a-bad.yaml"), "name: bad\nmachine: single\nsteps:\n  - tuch: {}\n");
        Files.copy(org.mmproto.core.scenario.ScenarioFiles.resolve("kernel-alloc"), scenarios.resolve("b-good.yaml"));
        Path noPlugins = Files.createDirectory(dir.resolve("p"));
        CliCapture.Run r = run("compare", scenarios.toString(), "--designs", "ops-struct", "--plugins", noPlugins.toString(),
                "--report", dir.resolve("r").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("a-bad.yaml:4:5: steps[0]: unknown operation 'tuch'",
                "1 of 2 scenarios not run (bad file: " + scenarios.resolve("a-bad.yaml") + ")");
        // several scenarios print the summary: the good one's row, the bad one as not run
        assertThat(r.out()).contains("1 scenario under ops-struct", "\nkernel-alloc ", "not run: " + scenarios.resolve("a-bad.yaml"),
                "FAIL: 1 of 1 scenario held their expectations under 1 design; 1 not run (bad file)");
    }

    @Test
    void compare_markdown_carries_every_section_and_the_closing_line_of_the_text_format(@TempDir Path noPlugins) {
        String[] args = {"compare", "private-node-audit", "--designs", "ops-struct,fallback-only", "--plugins",
            noPlugins.toString()};
        String text = run(args).out();
        String[] mdArgs = java.util.Arrays.copyOf(args, args.length + 2);
        mdArgs[args.length] = "--format";
        mdArgs[args.length + 1] = "markdown";
        String md = run(mdArgs).out();
        java.util.List<String> sections = text.lines().filter(l -> l.startsWith("## ")).toList();
        assertThat(sections).hasSizeGreaterThanOrEqualTo(6);
        for (String sec : sections) {
            assertThat(md).contains("#" + sec + "\n");
        }
        String closing = text.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(md).contains("**" + closing + "**");
    }

    @Test
    void compare_says_whether_the_breaches_next_to_a_pass_were_expected(@TempDir Path noPlugins) {
        CliCapture.Run r = run("compare", "private-node-audit", "--designs", "fallback-only", "--plugins", noPlugins.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("PASS private-node-audit under 1 designs: 2 privacy breaches, all expected by the scenario");
    }

    @Test
    void an_unexpected_breach_fails_the_run(@TempDir Path dir) throws Exception {
        Path s = dir.resolve("leaky.yaml");
        java.nio.file.Files.writeString(s, String.join("\n", "name: leaky", "machine: private-cxl", "steps:",
                "  - alloc_pages: {gfp: GFP_HIGHUSER_MOVABLE|__GFP_THISNODE, nid: 2}", ""));
        CliCapture.Run r = run("run", s.toString(), "--design", "fallback-only", "--plugins", dir.toString());
        assertThat(r.status()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("leak (unexpected)");
        Path waived = dir.resolve("waived.yaml");
        java.nio.file.Files.writeString(waived, String.join("\n", "name: waived", "machine: private-cxl", "steps:",
                "  - alloc_pages: {gfp: GFP_HIGHUSER_MOVABLE|__GFP_THISNODE, nid: 2}",
                "  - expect: {breaches: {leak: \">= 0\"}}", ""));
        CliCapture.Run w = run("run", waived.toString(), "--design", "fallback-only", "--plugins", dir.toString());
        assertThat(w.status()).as("\">= 0\" names no breach: " + w.out()).isEqualTo(1);
        CliCapture.Run ok = run("run", s.toString(), "--design", "ops-struct", "--plugins", dir.toString());
        assertThat(ok.status()).as(ok.out()).isEqualTo(1); // ENOMEM without expect: is a failed step
    }

    @Test
    void a_per_design_expectation_that_omits_the_running_design_is_an_error(@TempDir Path dir) throws Exception {
        Path s = dir.resolve("partial.yaml");
        java.nio.file.Files.writeString(s, String.join("\n", "name: partial", "machine: private-cxl", "steps:",
                "  - alloc_pages: {gfp: GFP_KERNEL, nid: 0}", "    expect: {ops-struct: ok}", ""));
        CliCapture.Run r = run("run", s.toString(), "--design", "gfp-flag", "--plugins", dir.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("partial.yaml:5", "not gfp-flag", "others:");
    }

    @Test
    void compare_prints_unwritten_move_pages_status_entries_by_name_not_as_null(@TempDir Path noPlugins) {
        CliCapture.Run r = run("compare", "move-pages", "--designs", "ops-struct", "--plugins", noPlugins.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("null").contains("unwritten]", "unwritten: a move_pages status entry the"
                + " kernel did not write");
    }
}
