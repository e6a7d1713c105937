package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Site;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.task.MemoryFailure;

/** memory_failure: the driver of a private node is told, the folio is unmapped and never reused. */
class MemoryFailureTest {

    @Test
    void a_poisoned_private_page_is_reported_to_its_driver_unmapped_and_kept_out_of_the_allocator() {
        RecordingDriver drv = new RecordingDriver(java.util.Set.of(NpOps.NP_OPS_MIGRATION)) {
            @Override
            public void memoryFailure(org.mmproto.api.driver.Requests.MemoryFailureEvent event) {
                calls.add("memory_failure " + Long.toHexString(event.pfn()));
            }
        };
        PrivateWorld w = new PrivateWorld(drv);
        long a = w.userPageOnPrivateNode();
        long folio = w.k.mmOps().folioAt(w.task, a);
        long used = w.userFolioPages();
        assertThat(w.k.memoryFailure().poison(folio)).isZero();
        assertThat(drv.calls).contains("memory_failure " + Long.toHexString(folio));
        assertThat(w.k.dispatcher().stats().consulted(Site.MEMORY_FAILURE)).isEqualTo(1);
        assertThat(w.k.mmOps().folioAt(w.task, a)).as("unmapped").isEqualTo(-1);
        assertThat(w.k.memmap().flags(folio) & Memmap.PG_HWPOISON).isNotZero();
        // touching the address again faults in a fresh page; the bad one stays allocated
        w.k.mmOps().touch(w.task, a, 4096, true);
        assertThat(w.k.mmOps().folioAt(w.task, a)).isNotEqualTo(folio);
        w.k.mmOps().exit(w.task);
        assertThat(w.k.memmap().isFolioHead(folio)).isTrue();
        assertThat(w.k.memmap().refcount(folio)).isEqualTo(1);
        // the task's pages are gone; the poisoned folio is still counted in folios
        assertThat(w.userFolioPages()).isEqualTo(used);
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
    }

    @Test
    void a_poisoned_kernel_page_outlives_its_owners_free() {
        PrivateWorld w = new PrivateWorld(RecordingDriver.with());
        long p = w.k.alloc().allocPages(Gfp.GFP_KERNEL.bits(), 0, 0, null, 0);
        assertThat(w.k.memoryFailure().poison(p)).isZero();
        w.k.alloc().freePages(p, 0);
        assertThat(w.k.memmap().isFolioHead(p)).as("still out of the allocator").isTrue();
        assertThat(w.k.memoryFailure().poison(p)).as("already handled").isZero();
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
    }

    @Test
    void a_free_page_cannot_be_poisoned_here() {
        PrivateWorld w = new PrivateWorld(RecordingDriver.with());
        long p = w.k.alloc().allocPages(Gfp.GFP_KERNEL.bits(), 0, 0, null, 0);
        w.k.alloc().freePages(p, 0);
        w.k.alloc().drainAllPages();
        assertThat(w.k.memoryFailure().poison(p)).isEqualTo(-Errno.EBUSY.code());
    }
}
