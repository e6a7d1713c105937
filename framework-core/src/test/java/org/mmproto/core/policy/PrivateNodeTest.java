package org.mmproto.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.task.MemPolicy.MPOL_BIND;
import static org.mmproto.core.task.MemPolicy.MPOL_F_MEMS_ALLOWED;
import static org.mmproto.core.task.MemPolicy.MPOL_INTERLEAVE;
import static org.mmproto.core.task.MemPolicy.MPOL_MF_MOVE;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.NodeMask;
import org.mmproto.core.hooks.designs.FallbackOnly;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;

/**
 * A private node (node 2, N_MEMORY_PRIVATE) with no driver bound is not a policy or migration
 * target ({@link PolicyTargets} asks the design, and ops-struct finds no NP_OPS flags); under a
 * design that lets folios move freely, its folios are visible to the syscalls.
 */
class PrivateNodeTest extends PolicyTestBase {
    @Override
    MachineSpec machine() {
        return TestMachines.dramDramCxl(64 * MiB, 64 * MiB, true);
    }

    @Test
    void private_node_is_not_a_policy_target() {
        assertThat(PolicyTargets.allowed(k.policyServices(), 2)).isFalse();
        assertThat(PolicyTargets.allowed(k.policyServices(), 0)).isTrue();
        assertThat(PolicyTargets.allowed(k.policyServices(), 3)).isFalse();
        assertThat(PolicyTargets.mask(k.policyServices(), NodeMask.of(0, 1, 2))).isEqualTo(NodeMask.of(0, 1));
    }

    @Test
    void set_mempolicy_with_only_the_private_node_is_EINVAL() {
        assertThat(numa.setMempolicy(a, MPOL_BIND, mask(2), MAXNODE)).isEqualTo(err(Errno.EINVAL));
        assertThat(numa.setMempolicy(a, MPOL_PREFERRED, mask(2), MAXNODE)).isEqualTo(err(Errno.EINVAL));
        // RFC v4 patch 13: a mask that names a private node without NP_OPS_MEMPOLICY is refused whole
        assertThat(numa.setMempolicy(a, MPOL_INTERLEAVE, mask(1, 2), MAXNODE)).isEqualTo(err(Errno.EINVAL));
        assertThat(a.policy()).isNull();
    }

    @Test
    void set_mempolicy_even_when_the_cpuset_lists_the_private_node() {
        a.setMemsAllowed(NodeMask.of(0, 1, 2));
        assertThat(numa.setMempolicy(a, MPOL_BIND, mask(2), MAXNODE)).isEqualTo(err(Errno.EINVAL));
    }

    @Test
    void mbind_to_the_private_node_is_EINVAL() {
        long p = anonTouched(a, 2);
        assertThat(numa.mbind(a, p, 2 * PAGE, MPOL_BIND, mask(2), MAXNODE, MPOL_MF_MOVE)).isEqualTo(err(Errno.EINVAL));
        assertThat(nodesOf(a, p, 2)).containsOnly(0);
    }

    @Test
    void move_pages_to_the_private_node_is_ENODEV() {
        long p = anonTouched(a, 2);
        MovePagesResult r = numa.movePages(a, 0, pages(p, 2), new int[] {1, 2}, MPOL_MF_MOVE);
        assertThat(r.ret()).isEqualTo(err(Errno.ENODEV));
        assertThat(r.status()).containsExactly(1, Integer.MIN_VALUE);
    }

    @Test
    void migrate_pages_to_the_private_node_is_EINVAL() {
        Task root = k.spawn("root", 0, 0, 0, NICE);
        assertThat(numa.migratePages(root, 0, MAXNODE, mask(0), mask(2))).isEqualTo(err(Errno.EINVAL));
    }

    @Test
    void cpuset_mems_include_the_private_node_as_rfc_patch_17_requires() {
        GetMempolicyResult r = numa.getMempolicy(a, true, MAXNODE, 0, MPOL_F_MEMS_ALLOWED);
        assertThat(r.nodemask()[0]).isEqualTo(0b111);
    }

    // Under fallback-only (design-matrix case 5, our reading) a folio on the private node is an
    // ordinary folio to the syscalls: move_pages reports its node and may move it off.
    @Test
    void under_fallback_only_a_folio_on_the_private_node_is_visible_and_movable() {
        k = Kernel.boot(machine(), new FallbackOnly(), List.of(), Duration.ZERO);
        k.setThp(TransparentHugepage.Mode.NEVER);
        numa = k.numa();
        ops = k.mmOps();
        a = k.spawn("a", 0, 0, 1000, java.util.Set.of());
        bootUsed = k.mem().pagesInFolios();
        long p = anonTouched(a, 2);
        long head = folio(a, p);
        Migration.Result r = k.migration().migrate(List.of(head), 2,
                (src, order) -> k.alloc().allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits() | Gfp.Bits.THISNODE, order, 2, null, 0),
                Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_DEMOTION);
        assertThat(r.outcome()).containsExactly(2);
        assertThat(nodesOf(a, p, 2)).containsExactly(2, 0);
        assertThat(PolicyTargets.folioVisible(k.policyServices(), folio(a, p), 2)).isTrue();
        MovePagesResult m = numa.movePages(a, 0, pages(p, 2), new int[] {1, 1}, MPOL_MF_MOVE);
        assertThat(m.ret()).isZero();
        assertThat(m.status()).containsExactly(1, 1);
    }

    @Test
    void with_no_driver_a_folio_on_the_private_node_is_invisible_like_zone_device() {
        long kpage = k.alloc().allocPages(Gfp.GFP_PRIVATE.bits(), 0, 2, null, 0);
        assertThat(PolicyTargets.folioVisible(k.policyServices(), kpage, 2)).isFalse();
        k.alloc().freePages(kpage, 0);
    }
}
