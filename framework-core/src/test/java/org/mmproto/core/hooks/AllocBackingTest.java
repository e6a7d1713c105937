package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests;
import org.mmproto.api.driver.Requests.Backing;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.designs.BuddyVeto;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;

/**
 * alloc_veto is told what a user fault's folio is for (AllocRequest.backing, told by the fault
 * path): anonymous, or a memfd's page cache through a shared or a private mapping; so a device
 * can take its shared memfd and veto the rest (virtio-queue).
 */
class AllocBackingTest {
    private static final int P = PrivateWorld.P;

    static final class Veto extends RecordingDriver {
        final List<Requests.AllocRequest> asked = new ArrayList<>();

        Veto() {
            super(EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY));
        }

        @Override
        public Verdict allocVeto(Requests.AllocRequest r) {
            asked.add(r);
            return r.backing() == Backing.SHMEM_SHARED || !r.folio() ? Verdict.ALLOW
                    : Verdict.deny(org.mmproto.api.Errno.ENOMEM, "only the shared memfd");
        }
    }

    private static long bound(PrivateWorld w, long addr) {
        assertThat(w.k.numa().mbind(w.task, addr, 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), 64, 0)).isZero();
        return addr;
    }

    @Test
    void the_veto_sees_each_faults_backing_and_only_the_shared_memfd_lands() {
        Veto drv = new Veto();
        PrivateWorld w = new PrivateWorld(drv, new BuddyVeto(), Duration.ZERO);
        MmOps ops = w.k.mmOps();
        int rw = MmOps.PROT_READ | MmOps.PROT_WRITE;
        long anon = bound(w, ops.mmap(w.task, 0, 4096, rw, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "anon"));
        long shared = bound(w, ops.mmap(w.task, 0, 4096, rw, MmOps.MAP_SHARED, ops.memfdCreate(w.task, "net", 4096), 0, "net"));
        long priv = bound(w, ops.mmap(w.task, 0, 4096, rw, MmOps.MAP_PRIVATE, ops.memfdCreate(w.task, "guest", 4096), 0,
                "guest"));

        assertThat(ops.touch(w.task, anon, 4096, true)).as("vetoed, BIND allows nothing else").isNotZero();
        assertThat(ops.touch(w.task, shared, 4096, true)).isZero();
        assertThat(w.k.memmap().nid(ops.folioAt(w.task, shared))).isEqualTo(P);
        assertThat(ops.touch(w.task, priv, 4096, false)).as("a read maps the page cache folio").isNotZero();

        assertThat(drv.asked).filteredOn(Requests.AllocRequest::folio).extracting(Requests.AllocRequest::backing)
                .containsSubsequence(Backing.ANON, Backing.SHMEM_SHARED, Backing.SHMEM_PRIVATE);
    }
}
