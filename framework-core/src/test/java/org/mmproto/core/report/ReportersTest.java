package org.mmproto.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportersTest {
    private final Reporters reporters = Reporters.builtIn();

    private static String label(List<Reporter> rs) {
        return String.join("|", rs.stream().map(Reporter::format).toList());
    }

    @Test
    void the_help_labels_name_exactly_the_registered_formats() {
        assertThat(label(reporters.forRuns())).isEqualTo(Reporters.RUN_FORMATS);
        assertThat(label(reporters.forComparisons())).isEqualTo(Reporters.COMPARE_FORMATS);
    }

    @Test
    void a_format_is_found_in_any_case() {
        assertThat(reporters.forRun("JSON")).isInstanceOf(JsonReporter.class);
        assertThat(reporters.forComparison("Markdown")).isInstanceOf(MarkdownReporter.class);
    }

    @Test
    void an_unknown_or_unoffered_format_names_the_offered_ones_as_picocli_named_the_enum_values() {
        assertThatThrownBy(() -> reporters.forRun("markdown"))
                .hasMessage("expected one of [text, json] (case-insensitive) but was 'markdown'");
        assertThatThrownBy(() -> reporters.forComparison("xml"))
                .hasMessage("expected one of [text, markdown, json] (case-insensitive) but was 'xml'");
    }
}
