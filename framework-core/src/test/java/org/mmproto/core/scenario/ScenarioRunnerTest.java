package org.mmproto.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.core.report.JsonReporter;
import org.mmproto.core.report.TextReporter;
import org.mmproto.core.scenario.RunReport.ExpectationResult;
import org.mmproto.core.scenario.RunReport.StepResult;

/** Running scenarios that need only the address-space operations and kernel allocations. */
class ScenarioRunnerTest {
    static final String LIFECYCLE = """
            seed: 5
            thp: never
            tasks:
              - {name: a, cpu: 0}
              - {name: b, cpu: 2}
            steps:
              - mmap: {task: a, name: buf, length: 2MiB}
              - touch: {task: a, addr: buf, length: 1MiB, write: true}
                expect:
                  result: ok
                  vmstat_step: {pgalloc_dma32: 259, pgalloc_normal: 0, pgfault: 256, nr_page_table_pages: 3}
                  resident: {task: a, addr: buf, pages: 256, nodes: {0: 256, 1: 0}}
                  nodes: {0: {used_pages_delta: 259}}
              - fork: {task: a, child: c}
                expect: {tasks: {c: {rss_pages: 256, pid: ">= 100"}}}
              - touch: {task: c, addr: buf, length: 8KiB}
                expect: {vmstat_step: {pgalloc_dma32: 2}}
              - memfd_create: {task: a, name: shm, size: 64KiB}
              - mmap: {task: a, name: sa, length: 64KiB, fd: shm}
              - mmap: {task: b, name: sb, length: 64KiB, fd: shm}
              - touch: {task: b, addr: sb}
                expect: {resident: {task: b, addr: sb, nodes: {1: 16}}}
              - touch: {task: a, addr: sa, write: false}
                expect: {vmstat_step: {pgalloc_normal: 0, pgalloc_dma32: 1}, resident: {task: a, addr: sa, nodes: {1: 16}}}
              - alloc_pages: {gfp: GFP_KERNEL, nid: each, name: k}
                expect: {landed: [0, 1, 2], result: ok}
              - alloc_pages: {gfp: "GFP_KERNEL|__GFP_THISNODE", order: 3, nid: 1, count: 4, name: k}
                expect: {landed: [1, 1, 1, 1], vmstat_step: {pgalloc_dma32: 32}}
              - repeat: {times: 500, workload: random_touch, task: a, addr: buf, write_ratio: 1}
                expect: {errors: 0, touches: 500}
              - check: {}
              - exit: c
              - exit: a
              - free_pages: k
              - exit: b
              - expect:
                  nodes: {0: {used_pages_delta: 0}, 1: {used_pages_delta: 0}, 2: {used_pages_delta: 0}}
                  tasks: {a: {exited: true, rss_pages: 0}}
              - drain_pages: {}
                expect: {nodes: {0: {pcp_pages: 0}, 1: {pcp_pages: 0}, 2: {pcp_pages: 0}}}
            """;

    static RunReport run(String body) {
        return new ScenarioRunner(ScenarioParserTest.parse(body)).run();
    }

    private static List<ExpectationResult> failed(RunReport r) {
        return r.expectations().stream().filter(e -> !e.passed()).toList();
    }

    @Test
    void a_scenario_of_mmap_touch_fork_memfd_exit_and_kernel_allocations_passes() {
        RunReport r = run(LIFECYCLE);
        assertThat(failed(r)).isEmpty();
        assertThat(r.invariants()).isEmpty();
        assertThat(r.passed()).isTrue();
        assertThat(r.steps()).extracting(StepResult::op).startsWith("mmap", "touch", "fork").endsWith("expect", "drain_pages");
        assertThat(r.steps()).extracting(StepResult::result).containsOnly("ok");
        assertThat(r.expectations()).hasSizeGreaterThan(15).noneMatch(ExpectationResult::implicit);
        assertThat(r.nodes()).extracting(RunReport.NodeUsage::pcpPages).containsOnly(0L);
        assertThat(r.vmstatDelta().get("pgalloc_dma32")).isPositive();
        assertThat(r.vmstatDelta().get("pgalloc_normal")).isEqualTo(1);
        assertThat(r.nodes()).extracting(RunReport.NodeUsage::usedPagesDelta).containsOnly(0L);
    }

    @Test
    void a_failed_expectation_is_reported_with_its_step_line_and_both_values() {
        String body = """
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 1MiB}
                  - touch: {task: a, addr: buf}
                    expect: {resident: {task: a, addr: buf, nodes: {1: 256}}}
                """;
        RunReport r = run(body);
        assertThat(r.passed()).isFalse();
        ExpectationResult e = failed(r).get(0);
        assertThat(e.line()).isEqualTo(ScenarioParserTest.lineOf(body, "- touch"));
        assertThat(e.itemLine()).isEqualTo(ScenarioParserTest.lineOf(body, "resident"));
        assertThat(e.detail()).isEqualTo("touch resident(a buf 1MiB).nodes.1: expected 256, got 0");
        assertThat(TextReporter.footer(r)).contains("t.yaml:" + e.line() + ": touch resident(a buf 1MiB).nodes.1:", "FAIL t");
    }

    @Test
    void a_fault_outside_any_vma_fails_with_the_reason_unless_the_step_expects_it() {
        String body = """
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 1MiB}
                  - touch: {task: a, addr: buf+1MiB, length: 4KiB}
                  - touch: {task: a, addr: buf+1MiB, length: 4KiB}
                    expect: EFAULT
                  - mmap: {task: a, name: ro, length: 4KiB, prot: PROT_READ}
                  - touch: {task: a, addr: ro, write: true}
                """;
        RunReport r = run(body);
        List<ExpectationResult> f = failed(r);
        assertThat(f).hasSize(2).allMatch(ExpectationResult::implicit);
        assertThat(f.get(0).line()).isEqualTo(ScenarioParserTest.lineOf(body, "- touch"));
        assertThat(f.get(0).detail()).startsWith("touch failed with EFAULT: no VMA at 0x7f0000000000: a real access"
                + " would get SIGSEGV").contains("write 'expect: EFAULT' if the error is intended");
        assertThat(f.get(1).detail()).contains("is not writable", "SIGSEGV");
        assertThat(r.steps().get(2).result()).isEqualTo("EFAULT");
        assertThat(r.expectations().stream().filter(e -> e.line() == r.steps().get(2).line())).singleElement()
                .satisfies(e -> assertThat(e.passed()).isTrue());
    }

    @Test
    void step_scoped_counters_read_only_what_the_step_changed() {
        RunReport r = run("""
                thp: never
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: x, length: 64KiB}
                  - touch: {task: a, addr: x}
                  - mmap: {task: a, name: y, length: 64KiB}
                  - touch: {task: a, addr: y}
                    expect: {vmstat_step: {pgalloc_dma32: 16}, vmstat_delta: {pgalloc_dma32: 35}, vmstat: {pgalloc_dma32: 35}}  # boot allocates nothing (the zero page is reserved); 3 of the 35 are page tables
                """);
        assertThat(failed(r)).isEmpty();
    }

    @Test
    void a_per_design_block_may_read_step_counters() {
        RunReport r = run("""
                thp: never
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: x, length: 64KiB}
                  - touch: {task: a, addr: x}
                    expect: {ops-struct: {vmstat_step: {pgalloc_dma32: 19}}, others: {vmstat_step: {pgfault: 16}}}  # 16 folios + pud, pmd, pte
                """);
        assertThat(failed(r)).isEmpty();
        assertThat(r.expectations()).anyMatch(e -> e.what().equals("vmstat_step.pgalloc_dma32"));
    }

    @Test
    void check_records_violations_and_show_prints_kernel_text() {
        RunReport r = run("""
                steps:
                  - check: {}
                  - show: buddyinfo
                    expect: {contains: ["Node 0, zone      DMA", "Node 2, zone   Normal"]}
                  - show: vmstat
                    expect: {contains: nr_free_pages}
                """);
        assertThat(failed(r)).isEmpty();
        assertThat(r.steps().get(0).result()).isEqualTo("ok");
        assertThat(r.steps().get(0).fields()).containsEntry("violations", 0L);
        assertThat((String) r.steps().get(1).fields().get("text")).startsWith("Node 0, zone      DMA ");
    }

    @Test
    void kernel_allocation_outcomes_include_errnos_per_allocation() {
        RunReport r = run("""
                steps:
                  - alloc_pages: {gfp: "GFP_KERNEL|__GFP_THISNODE|__GFP_NOWARN", order: 10, nid: 0, count: 20}
                    expect: {result: ENOMEM}
                  - alloc_pages: {gfp: GFP_KERNEL, nid: 9}
                    expect: EINVAL
                """);
        // node 0 has 64MiB: sixteen 4MiB blocks at most, fewer above the watermarks
        @SuppressWarnings("unchecked")
        List<Long> landed = (List<Long>) r.steps().get(0).fields().get("landed");
        assertThat(landed).hasSize(20).contains(0L, -12L).doesNotContain(1L, 2L);
        assertThat(r.steps().get(0).summary()).contains("by node {0=", "ENOMEM=");
        assertThat(r.steps().get(1).result()).isEqualTo("EINVAL");
        assertThat(r.steps().get(1).fields()).containsEntry("landed", List.of(-22L));
        assertThat(failed(r)).isEmpty();
    }

    @Test
    void workloads_are_reproduced_by_their_seed() {
        String body = """
                thp: never
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: heap, length: 8MiB}
                  - repeat: {times: 3000, workload: hot_cold, task: a, addr: heap, hot_fraction: 0.05}
                  - repeat: {times: 3000, workload: alloc_free, gfp: GFP_KERNEL, nid: random, name: s}
                  - expect: {resident: {task: a, addr: heap, pages: ">= 0"}}
                """;
        RunReport a = run(body);
        RunReport b = run(body);
        RunReport c = new ScenarioRunner(ScenarioParserTest.parse(body).withSeed(99)).run();
        assertThat(JsonReporter.render(a)).isEqualTo(JsonReporter.render(b));
        assertThat(a.vmstat()).isNotEqualTo(c.vmstat());
        assertThat(a.steps().get(1).fields().get("seed")).isNotEqualTo(c.steps().get(1).fields().get("seed"));
    }

    @Test
    void explicit_pids_and_auto_pids_follow_the_kernel() {
        RunReport r = run("""
                tasks: [{name: a}, {name: b, pid: 500}]
                steps:
                  - fork: {task: b, child: c}
                    expect: {result: 501, tasks: {a: {pid: 100}, b: {pid: 500}, c: {pid: 501}}}
                """);
        assertThat(failed(r)).isEmpty();
    }

    @Test
    void a_longterm_pin_of_a_zone_movable_page_migrates_it_out_of_zone_movable_first() {
        // gup.c check_and_migrate_movable_pages: ZONE_MOVABLE is not longterm-pinnable; the target
        // is the same node outside ZONE_MOVABLE, and node 2 has nothing else, so it falls back
        RunReport r = new ScenarioRunner(ScenarioParser.parse("""
                machine: default
                thp: never
                tasks:
                  - {name: a, cpu: 0}
                steps:
                  - mmap: {task: a, name: buf, length: 8KiB, prot: PROT_READ|PROT_WRITE, flags: MAP_PRIVATE|MAP_ANONYMOUS}
                  - mbind: {task: a, addr: buf, length: 8KiB, mode: MPOL_BIND, nodemask: "2"}
                  - touch: {task: a, addr: buf, length: 8KiB, write: true}
                    expect: {resident: {task: a, addr: buf, length: 8KiB, nodes: {2: 2}}}
                  - pin_user_pages: {task: a, addr: buf, length: 8KiB, flags: FOLL_LONGTERM, name: p}
                    expect: {landed: [0, 0]}
                  - pin_user_pages: {task: a, addr: buf, length: 4KiB, flags: FOLL_BOGUS}
                    expect: ok
                """.replace("FOLL_BOGUS", "0"), "pin.yaml", null)).run();
        assertThat(r.passed()).as(r.toString()).isTrue();
    }
}
