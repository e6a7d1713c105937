package org.mmproto.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.task.MemPolicy.MPOL_BIND;
import static org.mmproto.core.task.MemPolicy.MPOL_INTERLEAVE;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED_MANY;

import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.core.task.MemPolicy;

/**
 * set_mempolicy_home_node(2) (no page in man-pages 6.03; errors from mm/mempolicy.c, each
 * checked on realkernel 6.12).
 */
class HomeNodeTest extends PolicyTestBase {
    private long home(long start, long len, long node, long flags) {
        return numa.setMempolicyHomeNode(a, start, len, node, flags);
    }

    // set_mempolicy_home_node: EINVAL for flags != 0
    @Test
    void home_node_with_flags_is_EINVAL() {
        long p = anon(a, 4);
        numa.mbind(a, p, 4 * PAGE, MPOL_BIND, mask(0, 1), MAXNODE, 0);
        assertThat(home(p, 4 * PAGE, 1, 1)).isEqualTo(err(Errno.EINVAL));
    }

    // set_mempolicy_home_node: EINVAL for a start that is not page aligned
    @Test
    void home_node_unaligned_start_is_EINVAL() {
        long p = anon(a, 4);
        assertThat(home(p + 1, 4 * PAGE, 1, 0)).isEqualTo(err(Errno.EINVAL));
    }

    // set_mempolicy_home_node: EINVAL for home_node >= MAX_NUMNODES or not online (5 and -1 on 3 nodes)
    @Test
    void home_node_offline_or_out_of_range_is_EINVAL() {
        long p = anon(a, 4);
        assertThat(home(p, 4 * PAGE, 5, 0)).isEqualTo(err(Errno.EINVAL));
        assertThat(home(p, 4 * PAGE, -1, 0)).isEqualTo(err(Errno.EINVAL));
        assertThat(home(p, 4 * PAGE, 1024, 0)).isEqualTo(err(Errno.EINVAL));
    }

    // set_mempolicy_home_node: EINVAL when start + len wraps; len 0 succeeds
    @Test
    void home_node_wrapping_range_is_EINVAL_and_len_0_succeeds() {
        long p = anon(a, 4);
        assertThat(home(p, -2 * PAGE, 1, 0)).isEqualTo(err(Errno.EINVAL));
        assertThat(home(p, 0, 1, 0)).isZero();
    }

    // set_mempolicy_home_node: ENOENT when no VMA of the range has a VMA policy (a task policy does
    // not count; a range that is all hole is ENOENT too)
    @Test
    void home_node_without_a_VMA_policy_is_ENOENT() {
        numa.setMempolicy(a, MPOL_BIND, mask(0, 1), MAXNODE);
        long p = anon(a, 4);
        assertThat(home(p, 4 * PAGE, 1, 0)).isEqualTo(err(Errno.ENOENT));
        ops.munmap(a, p, 4 * PAGE);
        assertThat(home(p, 4 * PAGE, 1, 0)).isEqualTo(err(Errno.ENOENT));
    }

    // set_mempolicy_home_node: EOPNOTSUPP when a VMA has a policy other than BIND/PREFERRED_MANY;
    // VMAs updated before it keep their home node (checked on realkernel 6.12: BIND then INTERLEAVE
    // VMA -> EOPNOTSUPP, and the BIND part allocates on the home node)
    @Test
    void home_node_on_a_non_BIND_policy_is_EOPNOTSUPP_after_updating_earlier_VMAs() {
        long p = anon(a, 8);
        numa.mbind(a, p, 4 * PAGE, MPOL_BIND, mask(0, 1), MAXNODE, 0);
        numa.mbind(a, p + 4 * PAGE, 4 * PAGE, MPOL_INTERLEAVE, mask(0, 1), MAXNODE, 0);
        assertThat(home(p, 8 * PAGE, 1, 0)).isEqualTo(err(Errno.EOPNOTSUPP));
        assertThat(vmaPolicy(a, p).homeNode()).isEqualTo(1);
        assertThat(vmaPolicy(a, p + 4 * PAGE).homeNode()).isEqualTo(MemPolicy.NUMA_NO_NODE);
        long q = anon(a, 1);
        numa.mbind(a, q, PAGE, MPOL_PREFERRED, mask(1), MAXNODE, 0);
        assertThat(home(q, PAGE, 1, 0)).isEqualTo(err(Errno.EOPNOTSUPP));
    }

    // The home node is the preferred node of BIND and PREFERRED_MANY allocations; it need not be in
    // the mask. Checked on realkernel 6.12 from a CPU of node 0: BIND {0,1} home 1 -> node 1;
    // PREFERRED_MANY {1,2} home 2 -> node 2 (without: node 1); BIND {1,2} home 0 -> node 1.
    @Test
    void home_node_steers_BIND_and_PREFERRED_MANY_allocations() {
        long p = anon(a, 4);
        numa.mbind(a, p, 4 * PAGE, MPOL_BIND, mask(0, 1), MAXNODE, 0);
        assertThat(home(p, 4 * PAGE, 1, 0)).isZero();
        ops.touch(a, p, 4 * PAGE, true);
        assertThat(nodesOf(a, p, 4)).containsOnly(1);

        long r = anon(a, 4);
        numa.mbind(a, r, 4 * PAGE, MPOL_PREFERRED_MANY, mask(1, 2), MAXNODE, 0);
        assertThat(home(r, 4 * PAGE, 2, 0)).isZero();
        ops.touch(a, r, 4 * PAGE, true);
        assertThat(nodesOf(a, r, 4)).containsOnly(2);

        long s = anon(a, 4);
        numa.mbind(a, s, 4 * PAGE, MPOL_PREFERRED_MANY, mask(1, 2), MAXNODE, 0);
        ops.touch(a, s, 4 * PAGE, true);
        assertThat(nodesOf(a, s, 4)).containsOnly(1);

        long u = anon(a, 4);
        numa.mbind(a, u, 4 * PAGE, MPOL_BIND, mask(1, 2), MAXNODE, 0);
        assertThat(home(u, 4 * PAGE, 0, 0)).isZero();
        ops.touch(a, u, 4 * PAGE, true);
        assertThat(nodesOf(a, u, 4)).containsOnly(1);
    }

    // The home node applies within the range only: the VMA is split at its edges
    @Test
    void home_node_splits_the_VMA_at_the_range() {
        long p = anon(a, 4);
        numa.mbind(a, p, 4 * PAGE, MPOL_BIND, mask(0, 1), MAXNODE, 0);
        assertThat(home(p + PAGE, PAGE, 1, 0)).isZero();
        assertThat(a.mm().vmas()).hasSize(3);
        ops.touch(a, p, 4 * PAGE, true);
        assertThat(nodesOf(a, p, 4)).containsExactly(0, 1, 0, 0);
    }
}
