package org.mmproto.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.RunSetup;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;

/** A replay compares each call's return with the log, and accesses drive the engine's faults. */
class ReplayFidelityTest {
    @TempDir
    Path dir;

    private RunReport run(String steps) {
        String text = "name: t\nmachine: single\nthp: never\ntasks:\n  - {name: a, cpu: 0}\nsteps:\n" + steps;
        return new ScenarioRunner(ScenarioParser.parse(text, dir.resolve("t.yaml").toString(), dir),
                RunSetup.builtIn()).run();
    }

    @Test
    void a_return_the_simulated_kernel_does_not_give_is_reported_with_file_and_line() throws IOException {
        // synthetic log: the first mmap got 0x1000 on a box with vm.mmap_min_addr=0; the engine
        // (mmap_min_addr 65536, no CAP_SYS_RAWIO) answers EPERM
        Files.writeString(dir.resolve("log.strace"), """
                100  10:00:00.000001 brk(NULL) = 0x555555560000
                100  10:00:00.000002 mmap(0x1000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x1000
                100  10:00:00.000003 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000100000
                100  10:00:00.000004 brk(0x555555581000) = 0x555555581000
                100  10:00:00.000005 munmap(0x7f0000100000, 8192) = 0
                100  10:00:00.000006 mprotect(0x555555560000, 4096, PROT_READ) = 0
                """);
        RunReport r = run("  - replay: {trace: log.strace, task: a, exit: false}\n"
                + "    expect: {calls: 6, mismatches: 1}\n");
        RunReport.StepResult s = r.steps().get(0);
        assertThat(r.failedExpectations()).isZero();
        assertThat(s.fields().get("mismatches")).isEqualTo(1L);
        @SuppressWarnings("unchecked")
        List<String> list = (List<String>) s.fields().get("mismatch_list");
        assertThat(list).singleElement().asString().startsWith(dir.resolve("log.strace") + ":2: mmap(0x1000")
                .endsWith("logged 4096, replayed -EPERM");
        assertThat(s.fields().get("not_modelled")).as("mprotect is replayed and compared").isNull();
        assertThat((String) s.fields().get("by_call")).contains("mprotect=1");
    }

    @Test
    void accesses_fault_once_per_page_and_outside_the_layout_count_as_sigsegv() throws IOException {
        Files.writeString(dir.resolve("log.strace"),
                "100 10:00:00.0 mmap(NULL, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000200000\n");
        StringBuilder l = new StringBuilder("==1== Lackey, an example Valgrind tool\n");
        for (int i = 0; i < 1000; i++) {
            l.append(" S 7f00002").append(String.format("%05x", (i * 64) % 16384)).append(",8\n");
        }
        l.append(" L 1000000,8\n"); // nothing mapped there: SIGSEGV in a real run
        Files.writeString(dir.resolve("acc.lackey"), l);
        RunReport r = run("  - replay: {trace: log.strace, task: a, exit: false}\n"
                + "  - replay: {trace: acc.lackey, task: a, layout: trace}\n"
                + "    expect: {accesses: 1001, stores: 1000, slow_path: 5, segv: 1, vmstat_step: {pgfault: 4}}\n");
        assertThat(r.failedExpectations()).isZero();
    }

    @Test
    void a_replay_reports_how_much_of_the_file_it_has_read() throws IOException {
        StringBuilder l = new StringBuilder("==1== Lackey, an example Valgrind tool\n");
        for (int i = 0; i < 200_000; i++) {
            l.append(" L 7f00002").append(String.format("%05x", (i * 64) % 16384)).append(",8\n");
        }
        Path trace = dir.resolve("big.lackey");
        Files.writeString(trace, l);
        long size = Files.size(trace);
        List<Long> seen = new java.util.ArrayList<>();
        List<String> events = new java.util.ArrayList<>();
        ScenarioRunner.Listener listener = new ScenarioRunner.Listener() {
            @Override
            public void readStarted(String what, long total) {
                events.add("start " + what + " " + total);
            }

            @Override
            public void readProgress(long done) {
                seen.add(done);
            }

            @Override
            public void readDone() {
                events.add("done");
            }
        };
        String text = "name: t\nmachine: single\nthp: never\ntasks:\n  - {name: a, cpu: 0}\nsteps:\n"
                + "  - replay: {trace: big.lackey, task: a}\n";
        new ScenarioRunner(ScenarioParser.parse(text, dir.resolve("t.yaml").toString(), dir), RunSetup.builtIn())
                .listener(listener).run();

        assertThat(events).containsExactly("start replay big.lackey " + size, "done");
        assertThat(seen).hasSizeGreaterThan(10).isSorted();
        assertThat(seen.get(seen.size() - 1)).isEqualTo(size);
    }
}
