package org.mmproto.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.RunReport.StepResult;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.Mm;

/** Address expressions, lengths, nodemask lists and flag vocabularies, and how a run resolves names. */
class ArgsTest {
    @Test
    void address_expressions() {
        assertThat(Args.parseAddr("buf")).isEqualTo(new Addr("buf", 0, "buf"));
        assertThat(Args.parseAddr("buf+4KiB")).isEqualTo(new Addr("buf", 4096, "buf+4KiB"));
        assertThat(Args.parseAddr("buf - 1").offset()).isEqualTo(-1);
        assertThat(Args.parseAddr("buf+2MiB-1").offset()).isEqualTo((2L << 20) - 1);
        assertThat(Args.parseAddr("buf+0x1000+1").offset()).isEqualTo(4097);
        assertThat(Args.parseAddr("0x7f0000000000")).isEqualTo(new Addr(null, 0x7f0000000000L, "0x7f0000000000"));
        assertThat(Args.parseAddr("4096").offset()).isEqualTo(4096);
        assertThat(Args.parseAddr("0").mapping()).isNull();
        assertThat(Args.parseAddr("0xffffffffffffffff").offset()).isEqualTo(-1L);
        assertThat(Args.parseAddr("18446744073709551615").offset()).isEqualTo(-1L);
        assertThat(Args.parseAddr("buf").isBareMapping()).isTrue();
        assertThat(Args.parseAddr("buf+0").isBareMapping()).isTrue();
        assertThat(Args.parseAddr("buf+1").isBareMapping()).isFalse();
        for (String bad : List.of("", "buf+", "+", "4KiB+buf", "-buf", "buf*2", "0x1ffffffffffffffff", "b-c", "4 GB")) {
            assertThatThrownBy(() -> Args.parseAddr(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void lengths_allow_overflow_values() {
        assertThat(Args.parseLen("4MiB").value()).isEqualTo(4L << 20);
        assertThat(Args.parseLen("4MiB-1").value()).isEqualTo((4L << 20) - 1);
        assertThat(Args.parseLen("0xfffffffffffff000").value()).isEqualTo(-4096L);
        assertThat(Args.parseLen("-4096").value()).isEqualTo(-4096L);
        assertThat(Args.parseLen("0").value()).isZero();
        assertThatThrownBy(() -> Args.parseLen("buf")).hasMessageContaining("not a number or size");
    }

    @Test
    void nodemask_lists_may_set_bits_above_max_numnodes() {
        Args.MaskArg m = Args.parseMaskList("0-1,3");
        assertThat(m.words()).containsExactly(0b1011L);
        assertThat(m.defaultMaxnode()).isEqualTo(65);
        Args.MaskArg high = Args.parseMaskList("1030");
        assertThat(high.words()).hasSize(17);
        assertThat(Args.formatWords(high.words())).isEqualTo("1030");
        assertThat(Args.parseMaskList("").words()).containsExactly(0L);
        assertThat(Args.formatWords(new long[] {0b110, 1})).isEqualTo("1-2,64");
        assertThatThrownBy(() -> Args.parseMaskList("2-1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Args.MaskArg.NULL.toUserMask(65).isNull()).isTrue();
        assertThat(new Args.MaskArg(Args.MaskArg.Kind.FAULT, null, "fault").toUserMask(65).unreadable()).isTrue();
    }

    @Test
    void flags_parse_names_and_numbers_and_print_kernel_names() {
        assertThat(Flags.MPOL_MODE.parse("MPOL_INTERLEAVE|MPOL_F_RELATIVE_NODES"))
                .isEqualTo(MemPolicy.MPOL_INTERLEAVE | MemPolicy.MPOL_F_RELATIVE_NODES);
        assertThat(Flags.MPOL_MODE.parse("7")).isEqualTo(7);
        assertThat(Flags.MPOL_MF.parse("0x10|MPOL_MF_MOVE")).isEqualTo(0x12);
        assertThat(Flags.NONE.parse("-1")).isEqualTo(-1);
        assertThat(Flags.MPOL_MODE.format(MemPolicy.MPOL_BIND | MemPolicy.MPOL_F_STATIC_NODES))
                .isEqualTo("MPOL_BIND|MPOL_F_STATIC_NODES");
        assertThat(Flags.MPOL_MODE.format(9)).isEqualTo("9");
        assertThat(Flags.MPOL_MF.format(0x12)).isEqualTo("MPOL_MF_MOVE|0x10");
        assertThat(Flags.MAP.format(0x22)).isEqualTo("MAP_PRIVATE|MAP_ANONYMOUS");
        assertThat(Flags.PROT.format(0)).isEqualTo("PROT_NONE");
        assertThat(Flags.MADV.format(14)).isEqualTo("MADV_HUGEPAGE");
        assertThatThrownBy(() -> Flags.PROT.parse("PROT_READ|"))
                .hasMessageContaining("empty token");
        assertThatThrownBy(() -> Flags.MADV.parse("MADV_DONTNEEED"))
                .hasMessageContaining("did you mean 'MADV_DONTNEED'?");
    }

    @Test
    void a_run_resolves_mapping_names_to_the_addresses_mmap_returned() {
        Scenario s = ScenarioParserTest.parse("""
                thp: never
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: first, length: 1MiB}
                  - mmap: {task: a, name: second, length: 1MiB}
                  - touch: {task: a, addr: second+8KiB, length: 4KiB}
                    expect: {resident: {task: a, addr: second, pages: 1}}
                  - munmap: {task: a, addr: first-1, length: 4KiB}
                    expect: EINVAL
                """);
        RunReport r = new ScenarioRunner(s).run();
        long first = addr(r.steps().get(0));
        long second = addr(r.steps().get(1));
        assertThat(first).isEqualTo(Mm.MMAP_BASE - (1L << 20));
        assertThat(second).isEqualTo(first - (1L << 20));
        assertThat(r.steps().get(2).summary()).contains("second+8KiB=0x" + Long.toHexString(second + 8192));
        assertThat(r.steps().get(3).summary()).isEqualTo("munmap(first-1=0x" + Long.toHexString(first - 1)
                + ", 4KiB) = -EINVAL");
        assertThat(r.expectations()).allMatch(RunReport.ExpectationResult::passed);
        assertThat(r.passed()).isTrue();
    }

    @Test
    void a_name_whose_mmap_failed_is_an_error_at_the_step_that_uses_it() {
        Scenario s = ScenarioParserTest.parse("""
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 0}
                    expect: EINVAL
                  - touch: {task: a, addr: buf, length: 4KiB}
                """);
        RunReport r = new ScenarioRunner(s).run();
        StepResult touch = r.steps().get(1);
        assertThat(touch.result()).isEqualTo("error");
        assertThat(touch.fields()).containsEntry("error",
                "mapping 'buf' does not exist: the mmap at line " + r.steps().get(0).line()
                        + " that names it failed with EINVAL");
        assertThat(r.passed()).isFalse();
        assertThat(r.expectations()).filteredOn(e -> !e.passed()).singleElement()
                .satisfies(e -> assertThat(e.line()).isEqualTo(touch.line()));
    }

    private static long addr(StepResult r) {
        Map<String, Object> f = r.fields();
        return Long.decode((String) f.get("addr"));
    }
}
