package org.mmproto.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.core.scenario.ScenarioFiles;
import org.mmproto.core.testkit.CliCapture;
import org.mmproto.core.trace.Log;

/**
 * -v is info, -vv debug, for the engine's per-subsystem loggers; each injected fault prints once;
 * a run in the same JVM starts from the default levels again.
 */
class LoggingTest {
    private static final String FAIL = "page_alloc:probability=100,times=2,min_order=0,ignore_gfp_wait=N";

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** reclaim-swap without its driver plugin: kswapd runs on the ticks. */
    private static Path reclaimSwap(Path dir) throws Exception {
        Path file = ScenarioFiles.resolve("reclaim-swap");
        String yaml = Files.readString(file).replace("drivers:\n  - {plugin: cxl-mempolicy, node: 2}\n", "")
                .replace("machine: private-normal", "machine: private-normal\ndesign: unpatched");
        Path f = dir.resolve("reclaim-swap.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void each_injected_fault_prints_once_with_or_without_v() {
        for (String[] args : new String[][] {{"run", "default", "--fail", FAIL}, {"-v", "run", "default", "--fail", FAIL},
            {"-vv", "run", "default", "--fail", FAIL}}) {
            CliCapture.Run r = CliCapture.run(args);
            assertThat(r.status()).as(r.err()).isIn(0, 1); // 1: an expectation met the ENOMEM
            assertThat(count(r.err(), "FAULT_INJECTION: page_alloc #1 ")).as(String.join(" ", args)).isEqualTo(1);
            assertThat(count(r.err(), "FAULT_INJECTION: page_alloc #2 ")).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err()).contains("2 faults injected");
        }
    }

    @Test
    void v_is_info_and_vv_is_debug(@TempDir Path dir) throws Exception {
        String scenario = reclaimSwap(dir).toString();
        CliCapture.Run quiet = CliCapture.run("run", scenario);
        assertThat(quiet.err()).doesNotContain("INFO", "DEBUG");

        CliCapture.Run v = CliCapture.run("-v", "run", scenario);
        assertThat(v.status()).as(v.err()).isIn(0, 1);
        assertThat(v.err()).contains("mmproto: INFO  kswapd: kswapd0: balance_pgdat order 0 reclaimed")
                .doesNotContain("DEBUG").doesNotContain("DefaultPluginManager");

        CliCapture.Run vv = CliCapture.run("-vv", "run", scenario);
        assertThat(vv.err()).contains("mmproto: INFO  kswapd: kswapd0:", "mmproto: DEBUG vmscan: direct reclaim: order 0");

        CliCapture.Run again = CliCapture.run("run", scenario);
        assertThat(again.err()).as("the next run in this JVM is back at warnings").doesNotContain("INFO", "DEBUG");
    }

    @Test
    void the_log_file_gets_info_while_stderr_keeps_warnings(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("run.log");
        CliCapture.Run r = CliCapture.run("--log-file", log.toString(), "run", "default", "--fail", FAIL);
        assertThat(r.err()).doesNotContain("INFO");
        assertThat(count(r.err(), "FAULT_INJECTION: page_alloc #1 ")).isEqualTo(1);
        assertThat(Files.readString(log)).contains("INFO  fault_inject: FAULT_INJECTION: page_alloc #1");
    }

    @Test
    void one_logger_per_subsystem_by_the_kernels_names() {
        Set<String> names = Arrays.stream(Log.values()).map(Log::loggerName).collect(Collectors.toSet());
        assertThat(names).hasSize(Log.values().length).contains("mm.page_alloc", "mm.vmscan", "mm.kswapd",
                "mm.compaction", "mm.khugepaged", "mm.migrate", "mm.mempolicy", "mm.numa_balancing", "plugin", "trace");
        assertThat(LoggingOptions.groups()).containsExactly("mm", "fault_inject", "driver", "plugin", "trace");
    }
}
