package org.mmproto.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Negative, wrapping and huge lengths in scenario steps give the kernel's errno, never a silent
 * no-op or a truncated count, and huge mappings run through the sparse page tables.
 */
class StepLengthEdgesTest {
    @Test
    void edge_lengths_in_steps_give_errnos_and_a_64_TiB_mapping_runs() {
        RunReport r = ScenarioRunnerTest.run("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 64KiB}
                  - mmap: {task: a, length: -1}
                    expect: ENOMEM
                  - mmap: {task: a, length: 0xfffffffffffff000}
                    expect: ENOMEM
                  - mmap: {task: a, addr: 0x7ffffffff000, length: 4KiB, flags: MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED}
                    expect: ENOMEM
                  - munmap: {task: a, addr: buf, length: -4096}
                    expect: EINVAL
                  - touch: {task: a, addr: buf, length: -1, write: true}
                    expect: EINVAL
                  - pin_user_pages: {task: a, addr: buf, length: -4096, flags: FOLL_WRITE}
                    expect: EINVAL
                  - pin_user_pages: {task: a, addr: buf, length: 0x100000000000, flags: FOLL_WRITE}
                    expect: EINVAL
                  - mmap: {task: a, name: huge, length: 64TiB, prot: PROT_READ}
                  - touch: {task: a, addr: huge+32TiB, length: 4KiB, write: false}
                  - munmap: {task: a, addr: huge+16TiB, length: 4KiB}
                  - show: {what: numa_maps, task: a}
                """);
        assertThat(r.expectations().stream().filter(e -> !e.passed()).toList()).isEmpty();
        assertThat(r.passed()).isTrue();
    }
}
