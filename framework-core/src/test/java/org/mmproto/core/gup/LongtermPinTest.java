package org.mmproto.core.gup;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.NodeMask;
import org.mmproto.api.ZoneType;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.testkit.OneTaskKernel;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * pin_user_pages(FOLL_LONGTERM) on a machine whose node 2 is CXL memory onlined movable: the
 * folios in ZONE_MOVABLE are migrated out of it first (MR_LONGTERM_PIN), then pinned; a folio
 * that cannot move fails the pin with -ENOMEM and nothing stays pinned.
 */
class LongtermPinTest extends OneTaskKernel {
    static final int MPOL_BIND = 2; // MemPolicy.MPOL_BIND
    static final int PAGES = 4;

    Gup gup;
    long buf;

    @BeforeEach
    void setUp() {
        gup = k.gup();
        buf = ops.mmap(a, 0, PAGES * 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "buf");
        assertThat(k.numa().mbind(a, buf, PAGES * 4096, MPOL_BIND, UserMask.of(NodeMask.of(2)), 64, 0)).isZero();
        assertThat(ops.touch(a, buf, PAGES * 4096, true)).isZero();
        for (int i = 0; i < PAGES; i++) {
            assertThat(k.memmap().zone(ops.folioAt(a, buf + i * 4096L))).isEqualTo(ZoneType.MOVABLE);
        }
    }

    @Test
    void a_longterm_pin_of_movable_memory_migrates_it_out_of_zone_movable_first() {
        int[] err = new int[1];
        long[] pins = gup.pin(a, buf, PAGES, Gup.FOLL_LONGTERM | Gup.FOLL_WRITE, err);
        assertThat(pins).as("errno %d", err[0]).isNotNull();
        for (long h : pins) {
            assertThat(k.memmap().zone(h)).isNotEqualTo(ZoneType.MOVABLE);
            assertThat(k.memmap().nid(h)).as("nearest node with normal memory").isEqualTo(0);
            assertThat(k.memmap().maybeDmaPinned(h)).isTrue();
            assertThat(Gup.maybeDmaPinned(k.memmap(), h)).isTrue();
        }
        assertThat(k.mem().vmstat(VmStat.PGMIGRATE_SUCCESS)).isEqualTo(PAGES);
        assertThat(k.migration().reasonCounts().succeeded(MigrateReason.MR_LONGTERM_PIN)).isEqualTo(PAGES);
        assertThat(k.migration().reasonCounts().calls(MigrateReason.MR_LONGTERM_PIN)).as("one round migrates, the next pins").isEqualTo(1);
        gup.unpin(pins);
        for (long h : pins) {
            assertThat(k.memmap().maybeDmaPinned(h)).isFalse();
        }
    }

    @Test
    void a_short_term_pin_does_not_migrate() {
        int[] err = new int[1];
        long[] pins = gup.pin(a, buf, PAGES, Gup.FOLL_WRITE, err);
        assertThat(pins).isNotNull();
        assertThat(k.memmap().zone(pins[0])).isEqualTo(ZoneType.MOVABLE);
        assertThat(k.mem().vmstat(VmStat.PGMIGRATE_SUCCESS)).isZero();
        gup.unpin(pins);
    }

    @Test
    void movable_memory_someone_else_pinned_fails_the_longterm_pin_with_enomem() {
        int[] err = new int[1];
        long[] first = gup.pin(a, buf, 1, Gup.FOLL_WRITE, err); // a short-term pin holds page 0
        assertThat(first).isNotNull();
        assertThat(gup.pin(a, buf, PAGES, Gup.FOLL_LONGTERM | Gup.FOLL_WRITE, err)).isNull();
        assertThat(err[0]).isEqualTo(-Errno.ENOMEM.code());
        assertThat(k.mem().vmstat(VmStat.PGMIGRATE_FAIL)).as("the pinned folio, once").isEqualTo(1);
        assertThat(k.mem().vmstat(VmStat.PGMIGRATE_SUCCESS)).as("the others moved before the call gave up").isEqualTo(PAGES - 1);
        assertThat(k.migration().reasonCounts().failed(MigrateReason.MR_LONGTERM_PIN)).isEqualTo(1);
        assertThat(k.memmap().refcount(first[0])).as("nothing of the failed pin stays pinned").isEqualTo(1 + 1024);
        assertThat(k.memmap().zone(first[0])).isEqualTo(ZoneType.MOVABLE);
        gup.unpin(first);
    }

    @Test
    void pinned_folios_block_migration_until_unpinned() {
        int[] err = new int[1];
        long[] pins = gup.pin(a, buf, 1, Gup.FOLL_WRITE, err);
        var blocked = k.numa().movePages(a, 0, new long[] {buf}, new int[] {1}, 0);
        assertThat(blocked.ret()).as("move_pages: one folio not migrated").isEqualTo(1);
        assertThat(k.memmap().nid(ops.folioAt(a, buf))).isEqualTo(2);
        gup.unpin(pins);
        var moved = k.numa().movePages(a, 0, new long[] {buf}, new int[] {1}, 0);
        assertThat(moved.ret()).isZero();
        assertThat(moved.status()).containsExactly(1);
    }
}
