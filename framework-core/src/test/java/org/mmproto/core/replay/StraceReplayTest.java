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
        assertThat(s.fields().get("details")).isEqualTo("exit (+++ exited with 0 +++)=1 from the log: fork: the"
                + " child's pid=1 from the log: mmap: the logged address as the hint=1 mmap(file as anon)=1");
        assertThat(s.summary()).contains(", 3 calls replayed,");
    }

    @Test
    void the_real_python_spawn_log_has_a_thread_a_vfork_child_and_no_unknown_pid() throws IOException {
        // scenarios/traces/python-spawn.strace (recorded, see its README): clone3 of a thread,
        // then subprocess's vfork() whose child's execve is logged before "<... vfork resumed>"
        Files.copy(Path.of("../scenarios/traces/python-spawn.strace"), dir.resolve("log.strace"));
        String text = "name: t\nmachine: single\nthp: never\ntasks:\n  - {name: a, cpu: 0}\nsteps:\n"
                + "  - replay: {trace: log.strace, task: a, unknown_pids: error}\n"
                + "    expect: {unknown_pids: 0}\n";
        RunReport r = new ScenarioRunner(ScenarioParser.parse(text, dir.resolve("t.yaml").toString(), dir),
                RunSetup.builtIn()).run();
        assertThat(r.failedExpectations()).as("%s", r.steps()).isZero();
        RunReport.StepResult s = r.steps().get(0);
        assertThat((String) s.fields().get("by_call")).contains("clone3=1", "vfork=1", "mprotect=11");
        assertThat(s.fields().get("not_modelled")).as("mprotect is replayed").isEqualTo("wait4=1");
        assertThat((String) s.fields().get("details")).contains("mprotect of memory execve mapped (not replayed)=4");
        assertThat((String) s.fields().get("details")).contains("vfork child (the parent's mm until execve or exit)=1");
        assertThat(s.fields().get("mismatches")).as("%s", s.fields().get("mismatch_list")).isEqualTo(0L);
    }

    @Test
    void an_unknown_pid_is_in_the_fields_and_the_summary() throws IOException {
        RunReport.StepResult s = replay("""
                100 10:00:00.000001 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000100000
                107 10:00:00.000002 munmap(0x7f0000100000, 8192) = 0
                """, "{calls: 2, mismatches: 0, unknown_pids: 1}");
        assertThat(s.fields().get("unknown_pid_list")).isEqualTo("107");
        assertThat(s.summary()).contains("1 pids no logged fork/clone made, taken as threads of pid 100: 107 (first at"
                + " log.strace:2)");
    }
}
