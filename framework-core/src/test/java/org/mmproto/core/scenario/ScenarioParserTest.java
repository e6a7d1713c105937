package org.mmproto.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.api.Gfp;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.scenario.Args.MaskArg;
import org.mmproto.core.scenario.step.AllocPages;
import org.mmproto.core.scenario.step.Check;
import org.mmproto.core.scenario.step.Mbind;
import org.mmproto.core.scenario.step.MigratePages;
import org.mmproto.core.scenario.step.Mmap;
import org.mmproto.core.scenario.step.SetMempolicy;
import org.mmproto.core.scenario.step.Touch;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.TransparentHugepage;

/** Scenario files: what is accepted, and where and how a bad file is reported. */
class ScenarioParserTest {
    /** A small inline machine: two 64MiB nodes with CPUs, one 64MiB CPU-less node. */
    static final String SMALL_MACHINE = """
            machine:
              nodes:
                - {size: 64MiB, cpus: 0-1}
                - {size: 64MiB, cpus: 2-3}
                - {size: 64MiB, start: 0x1000000000}
            """;

    static Scenario parse(String body) {
        return ScenarioParser.parse(SMALL_MACHINE + body, "t.yaml", null);
    }

    static ConfigException error(String body) {
        try {
            parse(body);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException for:\n" + body);
    }

    /** The 1-based line of the first line containing {@code text} in the full text parsed. */
    static int lineOf(String body, String text) {
        String[] lines = (SMALL_MACHINE + body).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in the text");
    }

    @Test
    void a_full_step_list_parses_into_typed_steps_with_their_lines() {
        String body = """
                seed: 9
                thp: madvise
                tasks:
                  - {name: a, cpu: 2, uid: 0, caps: [CAP_SYS_NICE]}
                steps:
                  - mmap: {task: a, name: buf, length: 4MiB}
                  - touch: {task: a, addr: buf+4KiB, length: 8KiB, write: false}
                  - mbind: {task: a, addr: buf, length: 4MiB, mode: MPOL_BIND|MPOL_F_STATIC_NODES, nodemask: "1", flags: MPOL_MF_MOVE}
                    expect: ok
                  - alloc_pages: {gfp: "GFP_KERNEL|__GFP_THISNODE", nid: each, name: k1}
                  - free_pages: k1
                  - check: {}
                """;
        Scenario s = parse(body);
        assertThat(s.name()).isEqualTo("t");
        assertThat(s.seed()).isEqualTo(9);
        assertThat(s.thp()).isEqualTo(TransparentHugepage.Mode.MADVISE);
        assertThat(s.machine().nodeCount()).isEqualTo(3);
        assertThat(s.tasks()).singleElement().satisfies(t -> {
            assertThat(t.cpu()).isEqualTo(2);
            assertThat(t.uid()).isZero();
            assertThat(t.caps()).containsExactly("CAP_SYS_NICE");
        });
        assertThat(s.steps()).hasSize(6);
        Mmap mmap = (Mmap) s.steps().get(0);
        assertThat(mmap.line()).isEqualTo(lineOf(body, "- mmap:"));
        assertThat(mmap.prot()).isEqualTo(MmOps.PROT_READ | MmOps.PROT_WRITE);
        assertThat(mmap.flags()).isEqualTo(MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS);
        assertThat(mmap.length().value()).isEqualTo(4L << 20);
        Touch touch = (Touch) s.steps().get(1);
        assertThat(touch.addr()).isEqualTo(new Args.Addr("buf", 4096, "buf+4KiB"));
        assertThat(touch.write()).isFalse();
        Mbind mbind = (Mbind) s.steps().get(2);
        assertThat(mbind.mode()).isEqualTo(MemPolicy.MPOL_BIND | MemPolicy.MPOL_F_STATIC_NODES);
        assertThat(mbind.flags()).isEqualTo(MemPolicy.MPOL_MF_MOVE);
        assertThat(mbind.maxnode()).isEqualTo(65);
        assertThat(mbind.meta().expect().hasResult()).isTrue();
        AllocPages alloc = (AllocPages) s.steps().get(3);
        assertThat(alloc.nid()).isNull();
        assertThat(alloc.gfp()).isEqualTo(Gfp.GFP_KERNEL.bits() | Gfp.Bits.THISNODE);
        assertThat(s.steps().get(5)).isInstanceOf(Check.class);
    }

    @Test
    void length_may_be_left_out_for_a_bare_mapping_name_only() {
        Scenario s = parse("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 3MiB}
                  - touch: {task: a, addr: buf}
                """);
        assertThat(((Touch) s.steps().get(1)).length().value()).isEqualTo(3L << 20);
        ConfigException e = error("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 3MiB}
                  - touch: {task: a, addr: buf+4KiB}
                """);
        assertThat(e.getMessage()).contains("missing required key 'length'", "bare mapping name");
    }

    @Test
    void unknown_step_is_reported_at_its_line_with_a_did_you_mean() {
        String body = """
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 4MiB}
                  - tuch: {task: a, addr: buf}
                """;
        ConfigException e = error(body);
        assertThat(e.file()).isEqualTo("t.yaml");
        assertThat(e.line()).isEqualTo(lineOf(body, "tuch"));
        assertThat(e.getMessage()).contains("steps[1]", "unknown operation 'tuch'", "did you mean 'touch'?",
                "expected one of: mmap, munmap");
    }

    @Test
    void a_step_with_two_operations_is_rejected() {
        ConfigException e = error("""
                tasks: [{name: a}]
                steps:
                  - {mmap: {task: a, length: 4KiB}, exit: a}
                """);
        assertThat(e.getMessage()).contains("exactly one operation", "'mmap' and 'exit'");
    }

    @Test
    void wrong_value_types_name_the_key_and_what_was_expected() {
        String body = """
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 4MiB}
                  - touch: {task: a, addr: buf, write: maybe}
                """;
        ConfigException e = error(body);
        assertThat(e.line()).isEqualTo(lineOf(body, "maybe"));
        assertThat(e.getMessage()).contains("steps[1].touch.write", "expected true or false, got 'maybe'");

        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - repeat: {times: lots, workload: random_touch, task: a, addr: 0, length: 4KiB}
                """).getMessage()).contains("times", "expected an integer");
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - touch: [a, 0]
                """).getMessage()).contains("expected a mapping");
        assertThat(error("""
                steps: {mmap: {}}
                """).getMessage()).contains("steps", "expected a sequence");
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, length: four}
                """).getMessage()).contains("'four'", "expected a length");
    }

    @Test
    void undefined_tasks_are_reported_with_the_known_ones() {
        String body = """
                tasks: [{name: alpha}, {name: beta}]
                steps:
                  - exit: alpah
                """;
        ConfigException e = error(body);
        assertThat(e.line()).isEqualTo(lineOf(body, "alpah"));
        assertThat(e.getMessage()).contains("undefined task 'alpah'", "did you mean 'alpha'?", "alpha, beta");
    }

    @Test
    void a_task_used_before_its_fork_or_after_its_exit_is_an_error() {
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - exit: c
                  - fork: {task: a, child: c}
                """).getMessage()).contains("task 'c' does not exist yet", "the fork at line");
        String body = """
                tasks: [{name: a}, {name: b}]
                steps:
                  - exit: a
                  - mmap: {task: a, length: 4KiB}
                """;
        ConfigException e = error(body);
        assertThat(e.line()).isEqualTo(lineOf(body, "- mmap"));
        assertThat(e.getMessage()).contains("task 'a' exited at line " + lineOf(body, "- exit"), "makes no system calls");
        // ...but an exited task is still a valid pid (a zombie without an mm)
        Scenario s = parse("""
                tasks: [{name: a}, {name: b}]
                steps:
                  - exit: b
                  - migrate_pages: {task: a, pid: b, old_nodes: "0", new_nodes: "1"}
                """);
        assertThat(((MigratePages) s.steps().get(1)).pid().task()).isEqualTo("b");
    }

    @Test
    void undefined_mappings_memfds_and_allocations_are_errors() {
        String body = """
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buffer, length: 4MiB}
                  - touch: {task: a, addr: bufer+4KiB, length: 4KiB}
                """;
        ConfigException e = error(body);
        assertThat(e.line()).isEqualTo(lineOf(body, "bufer"));
        assertThat(e.getMessage()).contains("undefined mapping 'bufer'", "did you mean 'buffer'?");
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - touch: {task: a, addr: later, length: 4KiB}
                  - mmap: {task: a, name: later, length: 4MiB}
                """).getMessage()).contains("mapping 'later' is not defined yet", "the step at line");
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, length: 4MiB, fd: shm, flags: MAP_SHARED}
                """).getMessage()).contains("undefined memfd 'shm'", "memfd_create");
        assertThat(error("""
                steps:
                  - free_pages: k1
                """).getMessage()).contains("undefined allocation 'k1'");
    }

    @Test
    void bad_address_expressions_say_what_an_address_looks_like() {
        for (String bad : List.of("buf+", "4KiB+buf", "buf*2", "-buf", "buf+4XB")) {
            ConfigException e = error("""
                    tasks: [{name: a}]
                    steps:
                      - mmap: {task: a, name: buf, length: 4MiB}
                      - touch: {task: a, addr: "%s", length: 4KiB}
                    """.formatted(bad));
            assertThat(e.getMessage()).as(bad).contains("steps[1].touch.addr");
        }
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 4MiB}
                  - touch: {task: a, addr: "buf+", length: 4KiB}
                """).getMessage()).contains("expected an address");
    }

    @Test
    void unknown_flag_names_get_a_did_you_mean_and_unknown_bits_as_numbers_pass() {
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - set_mempolicy: {task: a, mode: MPOL_BIN, nodemask: "0"}
                """).getMessage()).contains("unknown name 'MPOL_BIN'", "did you mean 'MPOL_BIND'?");
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - set_mempolicy: {task: a, mode: MPOL_MF_MOVE, nodemask: "0"}
                """).getMessage()).contains("MPOL_MF_MOVE belongs to mbind/move_pages flags");
        Scenario s = parse("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 4MiB}
                  - mbind: {task: a, addr: buf, mode: 0x2|0x8000, nodemask: "1", flags: MPOL_MF_MOVE|0x100}
                """);
        Mbind m = (Mbind) s.steps().get(1);
        assertThat(m.mode()).isEqualTo(MemPolicy.MPOL_BIND | MemPolicy.MPOL_F_STATIC_NODES);
        assertThat(m.flags()).isEqualTo(MemPolicy.MPOL_MF_MOVE | 0x100);
        assertThat(error("""
                steps:
                  - alloc_pages: {gfp: GFP_KERNL, nid: 0}
                """).getMessage()).contains("unknown GFP flag 'GFP_KERNL'");
    }

    @Test
    void nodemask_forms_null_fault_list_and_words_with_their_default_maxnode() {
        Scenario s = parse("""
                tasks: [{name: a}]
                steps:
                  - set_mempolicy: {task: a, mode: MPOL_DEFAULT}
                  - set_mempolicy: {task: a, mode: MPOL_DEFAULT, nodemask: null}
                  - set_mempolicy: {task: a, mode: MPOL_BIND, nodemask: fault}
                  - set_mempolicy: {task: a, mode: MPOL_BIND, nodemask: "0-1,3"}
                  - set_mempolicy: {task: a, mode: MPOL_BIND, nodemask: ""}
                  - set_mempolicy: {task: a, mode: MPOL_BIND, nodemask: "1,1030"}
                  - set_mempolicy: {task: a, mode: MPOL_BIND, nodemask: {words: [0x3, 0x1]}, maxnode: 100}
                """);
        List<SetMempolicy> sm = s.steps().stream().map(SetMempolicy.class::cast).toList();
        assertThat(sm.get(0).nodemask()).isEqualTo(MaskArg.NULL);
        assertThat(sm.get(0).maxnode()).isZero();
        assertThat(sm.get(1).nodemask()).isEqualTo(MaskArg.NULL);
        assertThat(sm.get(2).nodemask().kind()).isEqualTo(MaskArg.Kind.FAULT);
        assertThat(sm.get(2).maxnode()).isEqualTo(65);
        assertThat(sm.get(3).nodemask().words()).containsExactly(0b1011L);
        assertThat(sm.get(3).maxnode()).isEqualTo(65);
        assertThat(sm.get(4).nodemask().words()).containsExactly(0L);
        assertThat(sm.get(5).nodemask().words()).hasSize(17);
        assertThat(sm.get(5).nodemask().words()[16]).isEqualTo(1L << (1030 - 1024));
        assertThat(sm.get(5).maxnode()).isEqualTo(64 * 17 + 1);
        assertThat(sm.get(6).nodemask().words()).containsExactly(3L, 1L);
        assertThat(sm.get(6).maxnode()).isEqualTo(100);
        // the buffer is zero-padded to maxnode bits
        assertThat(sm.get(3).nodemask().toUserMask(200).words()).containsExactly(0b1011L, 0, 0, 0);
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - set_mempolicy: {task: a, mode: MPOL_BIND, nodemask: [0, 1]}
                """).getMessage()).contains("node list string");
    }

    @Test
    void expectations_are_checked_for_names_and_keys() {
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, length: 4KiB}
                    expect: EINVALL
                """).getMessage()).contains("unknown errno 'EINVALL'", "did you mean 'EINVAL'?");
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, length: 4KiB}
                    expect: {vmstat: {pgmigrate_sucess: 1}}
                """).getMessage()).contains("unknown counter 'pgmigrate_sucess'", "did you mean 'pgmigrate_success'?");
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, length: 4KiB}
                    expect: {stauts: [0]}
                """).getMessage()).contains("unknown key 'stauts' in expect", "result");
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 4KiB}
                  - move_pages: {task: a, pages: [buf, buf]}
                    expect: {status: [0]}
                """).getMessage()).contains("status has 1 entries but move_pages is given 2 pages");
        assertThat(error("""
                steps:
                  - expect: {nodes: {7: {used_pages: 0}}}
                """).getMessage()).contains("node 7 does not exist");
        assertThat(error("""
                steps:
                  - expect: {nodes: {0: {used: 0}}}
                """).getMessage()).contains("unknown node value 'used'");
        assertThat(error("""
                steps:
                  - expect: {nodes: {0: {used_pages: "about 3"}}}
                """).getMessage()).contains("'about 3'");
        assertThat(error("""
                steps:
                  - expect: EINVAL
                """).getMessage()).contains("an expect step has no result");
        Scenario s = parse("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 4MiB}
                    expect:
                      result: ok
                      vmstat_step: {pgalloc_normal: 0}
                      nodes: {1: {used_pages: ">= 4MiB", numa_hit_delta: "!= 0"}}
                      resident: {task: a, addr: buf, pages: "0..10", nodes: {0: 0}}
                      tasks: {a: {exited: false, rss_pages: 0}}
                """);
        assertThat(ScenarioParser.describe(s.steps().get(0).meta().expect())).containsExactly(
                "result ok", "vmstat_step.pgalloc_normal 0", "nodes.1.used_pages >= 1024", "nodes.1.numa_hit_delta != 0",
                "resident(a buf 4MiB).pages 0..10", "resident(a buf 4MiB).nodes.0 0", "tasks.a.exited false",
                "tasks.a.rss_pages 0");
    }

    @Test
    void tasks_are_checked_against_the_machine() {
        assertThat(error("""
                tasks: [{name: a, cpu: 9}]
                steps: []
                """).getMessage()).contains("cpu 9 does not exist", "cpus are 0-3");
        assertThat(error("""
                tasks: [{name: a, caps: [CAP_SYS_NICEE]}]
                steps: []
                """).getMessage()).contains("unknown capability 'CAP_SYS_NICEE'", "did you mean 'CAP_SYS_NICE'?");
        assertThat(error("""
                tasks: [{name: a}, {name: a}]
                steps: []
                """).getMessage()).contains("task 'a' is already declared");
        assertThat(error("""
                tasks: [{name: a-b}]
                steps: []
                """).getMessage()).contains("not a valid task name");
    }

    @Test
    void an_error_inside_an_inline_machine_points_into_the_scenario_file() {
        String text = """
                name: x
                machine:
                  nodes:
                    - {size: 64MiB, cpus: 0-1}
                    - {size: 12345, cpus: 2}
                steps: []
                """;
        ConfigException e = null;
        try {
            ScenarioParser.parse(text, "x.yaml", null);
        } catch (ConfigException ex) {
            e = ex;
        }
        assertThat(e).isNotNull();
        assertThat(e.file()).isEqualTo("x.yaml");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).contains("machine.nodes[1].size", "multiple of 4KiB");
    }

    @Test
    void machine_as_numactl_text_and_as_a_file_next_to_the_scenario(@TempDir Path dir) throws Exception {
        Scenario s = ScenarioParser.parse("""
                machine: |
                  available: 2 nodes (0-1)
                  node 0 cpus: 0 1
                  node 0 size: 128 MB
                  node 0 free: 100 MB
                  node 1 cpus: 2 3
                  node 1 size: 128 MB
                  node 1 free: 120 MB
                  node distances:
                  node   0   1
                    0:  10  21
                    1:  21  10
                steps: []
                """, "n.yaml", null);
        assertThat(s.machine().nodeCount()).isEqualTo(2);
        assertThat(s.machine().distance(0, 1)).isEqualTo(21);

        Files.writeString(dir.resolve("box.yaml"), "nodes:\n  - {size: 32MiB, cpus: 0}\n");
        Path scenario = dir.resolve("s.yaml");
        Files.writeString(scenario, "machine: box.yaml\nsteps: []\n");
        assertThat(ScenarioParser.parse(scenario).machine().nodeCount()).isEqualTo(1);
        assertThat(ScenarioParser.parse("machine: single\nsteps: []\n", "b.yaml", null).machine().name())
                .isEqualTo("single");
        assertThatThrownBy(() -> ScenarioParser.parse("machine: singel\nsteps: []\n", "b.yaml", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("b.yaml:1:10")
                .hasMessageContaining("did you mean 'single'?");
    }

    @Test
    void repeat_keys_depend_on_the_workload() {
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 4MiB}
                  - repeat: {times: 10, workload: random_touch, task: a, addr: buf, free_ratio: 0.5}
                """).getMessage()).contains("'free_ratio' does not apply to workload random_touch");
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 4MiB}
                  - repeat: {times: 10, workload: random_tuch, task: a, addr: buf}
                """).getMessage()).contains("did you mean 'random_touch'?");
        assertThat(error("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 4MiB}
                  - repeat: {times: 10, workload: random_touch, task: a, addr: buf, write_ratio: 1.5}
                """).getMessage()).contains("between 0 and 1");
    }

    @Test
    void repeat_times_have_a_documented_maximum_instead_of_running_for_ever() {
        String body = """
                tasks: [{name: a}]
                steps:
                  - repeat: {times: 9000000000000000000, workload: random_touch, task: a, addr: 0, length: 4KiB}
                """;
        ConfigException e = error(body);
        assertThat(e.line()).isEqualTo(lineOf(body, "9000000000000000000"));
        assertThat(e.detail()).contains("steps[0].repeat.times", "expected an integer in 0..1000000000",
                "at most 10^9 iterations");
        assertThat(error(body.replace("9000000000000000000", "9e18")).detail())
                .contains("write the number out in decimal digits");
    }
}
