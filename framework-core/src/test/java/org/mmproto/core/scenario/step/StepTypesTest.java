package org.mmproto.core.scenario.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.core.scenario.ScenarioParser;

class StepTypesTest {
    @Test
    void the_parser_knows_exactly_the_registered_operations_in_registration_order() {
        assertThat(ScenarioParser.OPS).isEqualTo(StepTypes.BUILT_IN.ops());
        assertThat(StepTypes.BUILT_IN.ops()).doesNotHaveDuplicates().startsWith("mmap", "munmap").endsWith("show");
        for (String op : StepTypes.BUILT_IN.ops()) {
            assertThat(StepTypes.BUILT_IN.get(op).op()).isEqualTo(op);
        }
        assertThat(StepTypes.BUILT_IN.get("tuch")).isNull();
    }

    @Test
    void two_types_for_one_operation_are_refused() {
        assertThatThrownBy(() -> new StepTypes(List.of(Mmap.TYPE, Mmap.TYPE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'mmap'");
    }

    @Test
    void a_name_defining_type_says_what_it_defines() {
        assertThat(Mmap.TYPE.definesKind()).isEqualTo("mapping");
        assertThat(Fork.TYPE.definesKey()).isEqualTo("child");
        assertThat(MemfdCreate.TYPE.definesKind()).isEqualTo("memfd");
        assertThat(AllocPages.TYPE.definesKind()).isEqualTo("allocation");
        assertThat(Touch.TYPE.definesKey()).isNull();
    }

    /** scenarios/README.md documents every operation a scenario may use. */
    @Test
    void every_operation_is_documented_in_the_scenario_format() throws Exception {
        Path readme = Path.of("..", "scenarios", "README.md");
        String text = Files.readString(readme);
        for (String op : StepTypes.BUILT_IN.ops()) {
            assertThat(text).as(op).containsAnyOf("- " + op + ":", "`" + op + "`", "`" + op + ":");
        }
    }
}
