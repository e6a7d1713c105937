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

/** How an strace log's calls are counted and which task each pid's lines are replayed onto. */
class StraceReplayTest {
    @TempDir
    Path dir;

    private RunReport.StepResult replay(String log, String expect) throws IOException {
        Files.writeString(dir.resolve("log.strace"), log);
        String text = "name: t\nmachine: single\nthp: never\ntasks:\n  - {name: a, cpu: 0}\nsteps:\n"
                + "  - replay: {trace: log.strace, task: a, exit: false}\n    expect: " + expect + "\n";
        RunReport r = new ScenarioRunner(ScenarioParser.parse(text, dir.resolve("t.yaml").toString(), dir),
                RunSetup.builtIn()).run();
        assertThat(r.failedExpectations()).as("%s", r.steps()).isZero();
        return r.steps().get(0);
    }

    @Test
    void a_file_mmap_and_an_exit_are_details_not_extra_calls() throws IOException {
        RunReport.StepResult s = replay("""
                100 10:00:00.000001 mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f0000100000
                100 10:00:00.000002 clone(child_stack=NULL, flags=SIGCHLD) = 101
                101 10:00:00.000003 exit_group(0) = ?
                101 10:00:00.000004 +++ exited with 0 +++
                """, "{calls: 3, mismatches: 0}");
        assertThat(s.fields().get("by_call")).isEqualTo("clone=1 exit_group=1 mmap=1");
        assertThat(s.fields().get("details")).isEqualTo("exit (+++ exited with 0 +++)=1 mmap(file as anon)=1");
        assertThat(s.summary()).contains(", 3 calls replayed,");
    }
}
