package org.mmproto.core.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --events as set_event reads it (Documentation/trace/events.rst, trace_events.c). */
class EventFilterTest {
    private static List<Tracepoint> on(String spec) {
        EventFilter f = EventFilter.parse(spec);
        return Arrays.stream(Tracepoint.values()).filter(f::matches).toList();
    }

    private static List<Tracepoint> system(String s) {
        return Arrays.stream(Tracepoint.values()).filter(t -> t.system().equals(s)).toList();
    }

    @Test
    void a_bare_system_name_is_every_event_of_the_system() {
        assertThat(on("kmem")).isEqualTo(system("kmem")).hasSize(4);
        assertThat(on("kmem")).isEqualTo(on("kmem:*")).isEqualTo(on("kmem:"));
        assertThat(on("vmscan,compaction")).containsAll(system("vmscan")).containsAll(system("compaction"))
                .hasSize(system("vmscan").size() + system("compaction").size());
    }

    @Test
    void a_bare_event_name_and_star_colon_name_are_that_event_in_any_system() {
        assertThat(on("mm_page_alloc")).containsExactly(Tracepoint.MM_PAGE_ALLOC);
        assertThat(on("*:mm_page_alloc")).containsExactly(Tracepoint.MM_PAGE_ALLOC);
        assertThat(on(":mm_page_alloc")).containsExactly(Tracepoint.MM_PAGE_ALLOC);
        assertThat(on("kmem:mm_page_alloc migrate:mm_migrate_pages"))
                .containsExactly(Tracepoint.MM_PAGE_ALLOC, Tracepoint.MM_MIGRATE_PAGES);
    }

    @Test
    void a_bang_disables_what_it_names_left_to_right() {
        assertThat(on("kmem,!kmem:mm_page_free")).doesNotContain(Tracepoint.MM_PAGE_FREE)
                .contains(Tracepoint.MM_PAGE_ALLOC).hasSize(3);
        assertThat(on("*,!private")).hasSize(Tracepoint.values().length - system("private").size());
        assertThat(on("!kmem:mm_page_free,kmem")).as("a later entry enables again").contains(Tracepoint.MM_PAGE_FREE);
        assertThat(on("*:*")).hasSize(Tracepoint.values().length);
        assertThat(EventFilter.NONE.matches(Tracepoint.MM_PAGE_ALLOC)).isFalse();
    }

    @Test
    void a_name_of_no_tracepoint_is_refused() {
        assertThatThrownBy(() -> EventFilter.parse("kmemm")).hasMessageContaining("'kmemm' names no tracepoint");
        assertThatThrownBy(() -> EventFilter.parse("kmem:mm_page_allocc")).hasMessageContaining("names no tracepoint");
    }
}
