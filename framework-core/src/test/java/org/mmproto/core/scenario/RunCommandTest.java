package org.mmproto.core.scenario;

import org.mmproto.core.testkit.CliCapture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mmproto run}: output, formats and exit statuses as scripts see them. */
class RunCommandTest {
    private static CliCapture.Run run(String... args) {
        return CliCapture.run(args);
    }

    @Test
    void a_bundled_scenario_by_name_prints_steps_counters_nodes_and_passes() {
        CliCapture.Run r = run("run", "address-space", "--no-progress");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("# scenario address-space", "machine default (3 nodes), seed 1, thp never",
                " line  op ", "buf = mmap(NULL, 4MiB, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7eff",
                "# vmstat changes during the run", "pgalloc_normal +", "# nodes (4KiB pages", "# expectations: ",
                " 0 failed", "# invariants: hold", "PASS address-space (seed 1, design ops-struct)");
    }

    @Test
    void json_format_prints_only_json_with_the_fixed_keys() throws Exception {
        CliCapture.Run r = run("run", "kernel-alloc", "--format", "json", "--seed", "3");
        assertThat(r.status()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("seed").asLong()).isEqualTo(3);
        assertThat(j.get("passed").asBoolean()).isTrue();
        for (String key : new String[] {"vmstat", "vmstat_delta", "nodes", "steps", "expectations", "invariants"}) {
            assertThat(j.has(key)).as(key).isTrue();
        }
        assertThat(j.get("steps").get(0).get("landed").toString()).isEqualTo("[0,1,0]");
    }

    @Test
    void a_failed_expectation_exits_1_and_names_file_and_line(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("fails.yaml");
        Files.writeString(f, """
                machine: single
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 1MiB}
                  - touch: {task: a, addr: buf}
                    expect: {vmstat_step: {pgfault: 1}}
                """);
        CliCapture.Run r = run("run", f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL touch vmstat_step.pgfault: expected 1, got 256",
                f + ":5: touch vmstat_step.pgfault: expected 1, got 256", "FAIL fails (seed 1, design ops-struct)");
    }

    @Test
    void a_bad_scenario_file_exits_2_with_file_line_and_column(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, """
                machine: single
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 1MiB}
                  - madvice: {task: a, addr: buf, advice: MADV_DONTNEED}
                """);
        CliCapture.Run r = run("run", f.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("mmproto: " + f + ":5:5: steps[1]: unknown operation 'madvice' (did you mean"
                + " 'madvise'?)");
        assertThat(r.out()).isEmpty();

        CliCapture.Run missing = run("run", "mbnid");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file and no bundled scenario", "did you mean 'mbind'?");
    }

    @Test
    void list_shows_the_bundled_scenarios() {
        CliCapture.Run r = run("run", "--list");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("  default ", "  address-space ", "  move-pages ");
        for (String line : r.out().split("\n")) {
            if (line.startsWith("  ")) {
                assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
            }
        }
    }

    @Test
    void a_long_scenario_prints_only_its_failing_steps(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("machine: single\nthp: never\ntasks: [{name: a}]\nsteps:\n"
                + "  - mmap: {task: a, name: buf, length: 4MiB}\n");
        for (int i = 0; i < 250; i++) {
            sb.append("  - touch: {task: a, addr: buf+").append(i * 4).append("KiB, length: 4KiB}\n");
        }
        sb.append("  - expect: {resident: {task: a, addr: buf, pages: 249}}\n");
        Path f = dir.resolve("long.yaml");
        Files.writeString(f, sb.toString());
        CliCapture.Run r = run("run", f.toString(), "--no-progress");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("# 252 steps: printing only those whose expectation failed",
                "expect resident(a buf 4MiB).pages: expected 249, got 250").doesNotContain("  touch  ");
        CliCapture.Run verbose = run("run", f.toString(), "--no-progress", "--verbose");
        assertThat(verbose.out()).contains("write buf+996KiB=");
    }
}
