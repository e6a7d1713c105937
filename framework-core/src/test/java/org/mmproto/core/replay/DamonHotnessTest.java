package org.mmproto.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.RunSetup;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;

/**
 * A DAMON record's hotness decides where its regions end up: the accesses of a snapshot are
 * spread over its interval with the replay clock ticking in between, so under NUMA balancing's
 * tiering mode a hot region demoted to the CXL node is touched soon after each scan (a short
 * hint-fault latency: promoted) while a cold one waits longer than the hot threshold (stays).
 */
class DamonHotnessTest {
    @TempDir
    Path dir;

    @Test
    void a_hot_region_is_promoted_and_a_cold_one_stays_on_the_slow_tier() throws IOException {
        // synthetic input in damo report raw's layout (no DAMON record could be made here):
        // 10 aggregation intervals of 100 ms; the hot MiB is seen in all 20 samples of each,
        // the cold MiB in one
        StringBuilder d = new StringBuilder("base_time_absolute: 1 m 0 s\n\n");
        for (int i = 0; i < 10; i++) {
            d.append("monitoring_start: ").append(i * 100).append(" ms\n")
                    .append("monitoring_end: ").append((i + 1) * 100).append(" ms\n")
                    .append("monitoring_duration: 100 ms\ntarget_id: 0\nnr_regions: 2\n")
                    .append("7f0000000000-7f0000100000(   1.000 MiB):       20\n")
                    .append("7f0000200000-7f0000300000(   1.000 MiB):        1\n\n");
        }
        Files.writeString(dir.resolve("hot-cold.damon"), d);
        String text = """
                name: t
                machine:
                  nodes:
                    - {size: 256MiB, cpus: 0}
                    - {size: 256MiB, online: movable, start: 0x1000000000}
                thp: never
                tasks:
                  - {name: a, cpu: 0}
                steps:
                  - tiering: {demotion_enabled: true, numa_balancing: 2}
                  - mmap: {task: a, name: hot, addr: 0x7f0000000000, length: 1MiB, prot: PROT_READ|PROT_WRITE, flags: MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED}
                  - mmap: {task: a, name: cold, addr: 0x7f0000200000, length: 1MiB, prot: PROT_READ|PROT_WRITE, flags: MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED}
                  - touch: {task: a, addr: hot, write: true}
                  - touch: {task: a, addr: cold, write: true}
                  - reclaim: {node: 0, size: 32MiB}
                    expect:
                      result: EAGAIN
                      resident: [{task: a, addr: hot, nodes: {1: 256}}, {task: a, addr: cold, nodes: {1: 256}}]
                  # 1 ms of the record is 100 ms of kernel time: a 100 ms interval is 10 s, the
                  # scanner (every 1000 ms) marks the pages about 10 times in each
                  - replay: {trace: hot-cold.damon, task: a, layout: trace, speed: 0.01, tick_ms: 100}
                    expect:
                      accesses: 53760
                      resident: [{task: a, addr: hot, nodes: {0: 256}}, {task: a, addr: cold, nodes: {1: 256}}]
                """;
        RunReport r = new ScenarioRunner(ScenarioParser.parse(text, dir.resolve("t.yaml").toString(), dir),
                RunSetup.builtIn()).run();
        assertThat(r.failedExpectations()).as("%s", r.expectations().stream().filter(e -> !e.passed()).toList())
                .isZero();
        RunReport.StepResult s = r.steps().get(r.steps().size() - 1);
        assertThat(s.summary()).contains("ticks");
    }
}
