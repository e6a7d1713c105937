package org.mmproto.core.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.api.MigrateReason;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.hooks.designs.BuiltInDesigns;

/** A probe counts exactly the calls made, and detaching restores the uninstrumented method. */
class ProbeTest {
    @Test
    void counts_exactly_the_calls_made_and_detaches() {
        Kernel k = Kernel.boot(MachineFiles.bundled("single"), BuiltInDesigns.all().get(0));
        int gfp = Gfp.parse("GFP_KERNEL").bits();
        long[] pfns = new long[37];
        try (Probes p = Probes.attach(List.of("__free_pages", "org.mmproto.core.mm.PageAllocator#allocPages"))) {
            for (int i = 0; i < pfns.length; i++) {
                pfns[i] = k.alloc().allocPages(gfp, 0, 0, null, 0);
            }
            for (int i = 0; i < 11; i++) {
                k.alloc().freePages(pfns[i], 0);
            }
            assertThat(ProbeStats.calls("org.mmproto.core.mm.PageAllocator#allocPages")).isEqualTo(37);
            assertThat(ProbeStats.calls("org.mmproto.core.mm.PageAllocator#freePages")).isEqualTo(11);
            long[] h = ProbeStats.snapshot().get("org.mmproto.core.mm.PageAllocator#allocPages");
            long inBuckets = 0;
            for (int b = 0; b < ProbeStats.BUCKETS; b++) {
                inBuckets += h[b];
            }
            assertThat(inBuckets).as("the histogram holds every call").isEqualTo(37);
        }
        k.alloc().freePages(pfns[11], 0);
        assertThat(ProbeStats.calls("org.mmproto.core.mm.PageAllocator#freePages")).as("detached").isEqualTo(11);
    }

    @Test
    void a_call_through_chained_overloads_counts_once() {
        Kernel k = Kernel.boot(MachineFiles.bundled("single"), BuiltInDesigns.all().get(0));
        try (Probes p = Probes.attach(List.of("migrate_pages"))) {
            // the four-argument migrate calls the five-argument one, which calls the six-argument one
            for (int i = 0; i < 3; i++) {
                k.migration().migrate(List.of(), (src, order) -> -1, Migration.Mode.MIGRATE_SYNC,
                        MigrateReason.MR_SYSCALL);
            }
            assertThat(ProbeStats.calls("org.mmproto.core.migrate.Migration#migrate")).isEqualTo(3);
        }
    }

    @Test
    void unknown_targets_are_refused_with_the_names() {
        assertThatThrownBy(() -> Probes.resolve("rmqeue")).hasMessageContaining("rmqueue");
        assertThatThrownBy(() -> Probes.resolve("org.mmproto.core.mm.Buddy#nope")).hasMessageContaining("no method nope");
        assertThat(Probes.resolve("rmqueue")).isEqualTo("org.mmproto.core.mm.Buddy#rmqueue");
    }
}
