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
}
