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
    void free_empty_drops_only_leaves_whose_entries_are_all_zero() {
        RadixTable t = new RadixTable();
        t.set(100, 1);
        t.set(600, 1);
        t.set(1L << 30, 1);
        t.set(100, 0);
        t.set(1L << 30, 0);
        t.freeEmpty(0, RadixTable.LIMIT);
        assertThat(t.leafTables()).isEqualTo(1);
        assertThat(t.get(600)).isEqualTo(1);
        t.set(600, 0);
        t.freeEmpty(512, 1024);
        assertThat(t.leafTables()).isZero();
        t.set(600, 5); // the cached leaf was dropped: a new one is allocated
        assertThat(t.get(600)).isEqualTo(5);
        assertThat(t.leafTables()).isEqualTo(1);
    }

    @Test
    void an_index_beyond_four_levels_is_refused_loudly() {
        assertThatThrownBy(() -> new RadixTable().set(RadixTable.LIMIT, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
