package org.mmproto.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The sparse four-level table behind page tables and memfd page caches. */
class RadixTableTest {
    @Test
    void an_untouched_table_has_no_leaves_and_reads_zero_everywhere_including_beyond_its_range() {
        RadixTable t = new RadixTable();
        assertThat(t.get(0)).isZero();
        assertThat(t.get(RadixTable.LIMIT - 1)).isZero();
        assertThat(t.get(RadixTable.LIMIT)).isZero();
        assertThat(t.get(Long.MAX_VALUE)).isZero();
        t.set(12345, 0); // clearing an absent entry allocates nothing
        assertThat(t.leafTables()).isZero();
        assertThat(t.next(0, RadixTable.LIMIT)).isEqualTo(RadixTable.LIMIT);
    }

    @Test
    void entries_far_apart_cost_one_leaf_each_and_next_finds_them_in_order() {
        RadixTable t = new RadixTable();
        long[] at = {7, 511, 512, 1L << 27, (1L << 35) + 3, RadixTable.LIMIT - 1};
        for (long i : at) {
            t.set(i, i + 1);
        }
        assertThat(t.leafTables()).isEqualTo(5); // 7 and 511 share the first leaf
        long i = t.next(0, RadixTable.LIMIT);
        for (long want : at) {
            assertThat(i).isEqualTo(want);
            assertThat(t.get(i)).isEqualTo(want + 1);
            i = t.next(i + 1, RadixTable.LIMIT);
        }
        assertThat(i).isEqualTo(RadixTable.LIMIT);
        assertThat(t.next(8, 511)).isEqualTo(511); // the bound is exclusive: 511 is "none"
        assertThat(t.next(8, 512)).isEqualTo(511);
    }

    @Test
    void free_unused_drops_the_tables_whose_span_nothing_covers_upper_levels_with_them() {
        RadixTable t = new RadixTable();
        t.set(100, 1);
        t.set(600, 1);
        t.set(1L << 30, 1);
        assertThat(t.tables()).isEqualTo(2 + 2 + 3); // two puds, two pmds, three leaves
        t.set(100, 0);
        t.set(1L << 30, 0);
        // only [512, 1024) is still covered by something: the leaves of 100 and 2^30 go, and the
        // pmd and pud above 2^30 with them
        t.freeUnused(0, RadixTable.LIMIT, (from, to) -> from < 1024 && to > 512);
        assertThat(t.leafTables()).isEqualTo(1);
        assertThat(t.tables()).isEqualTo(3);
        assertThat(t.get(600)).isEqualTo(1);
        t.set(600, 0);
        // a leaf whose span is still covered stays, even empty (the kernel keeps it for the VMA)
        t.freeUnused(512, 1024, (from, to) -> from < 1024 && to > 512);
        assertThat(t.leafTables()).isEqualTo(1);
        t.freeUnused(512, 1024, (from, to) -> false);
        assertThat(t.tables()).isZero();
        t.set(600, 5); // the cached leaf was dropped: a new one is allocated
        assertThat(t.get(600)).isEqualTo(5);
        assertThat(t.leafTables()).isEqualTo(1);
    }

    @Test
    void a_table_that_still_maps_pages_is_never_freed() {
        RadixTable t = new RadixTable();
        t.set(7, 1);
        assertThatThrownBy(() -> t.freeUnused(0, 512, (from, to) -> false)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(t::freeAll).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void every_table_takes_a_page_and_a_refused_page_fails_the_walk_with_its_errno() {
        java.util.List<Long> freed = new java.util.ArrayList<>();
        long[] next = {1000};
        long[] budget = {2};
        RadixTable t = new RadixTable(new RadixTable.TablePages() {
            @Override
            public long alloc(int level) {
                return budget[0]-- > 0 ? next[0]++ : -12;
            }

            @Override
            public void free(int level, long pfn) {
                freed.add(pfn);
            }
        });
        assertThat(t.ensure(5)).isEqualTo(-12); // pud and pmd got pages, the pte table did not
        assertThat(t.tables()).isEqualTo(2);
        assertThat(t.leafPresent(5)).isFalse();
        assertThatThrownBy(() -> t.set(5, 1)).isInstanceOf(IllegalStateException.class);
        budget[0] = 1;
        assertThat(t.ensure(5)).isZero();
        t.set(5, 1);
        t.set(5, 0);
        t.freeAll();
        assertThat(t.tables()).isZero();
        assertThat(freed).containsExactlyInAnyOrder(1000L, 1001L, 1002L);
    }

    @Test
    void an_index_beyond_four_levels_is_refused_loudly() {
        assertThatThrownBy(() -> new RadixTable().set(RadixTable.LIMIT, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
