package org.mmproto.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.task.MemPolicy.MPOL_BIND;
import static org.mmproto.core.task.MemPolicy.MPOL_DEFAULT;
import static org.mmproto.core.task.MemPolicy.MPOL_F_NUMA_BALANCING;
import static org.mmproto.core.task.MemPolicy.MPOL_F_RELATIVE_NODES;
import static org.mmproto.core.task.MemPolicy.MPOL_F_STATIC_NODES;
import static org.mmproto.core.task.MemPolicy.MPOL_INTERLEAVE;
import static org.mmproto.core.task.MemPolicy.MPOL_LOCAL;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED_MANY;
import static org.mmproto.core.task.MemPolicy.MPOL_WEIGHTED_INTERLEAVE;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;

/** set_mempolicy(2): errors in the kernel's order and the policy it installs. */
class SetMempolicyTest extends PolicyTestBase {
    private long set(int mode, UserMask m, long maxnode) {
        return numa.setMempolicy(a, mode, m, maxnode);
    }

    // set_mempolicy(2) ERRORS: EINVAL mode is invalid
    @ParameterizedTest
    @ValueSource(ints = {7, 99, -1})
    void set_mempolicy_unknown_mode_is_EINVAL(int mode) {
        assertThat(set(mode, mask(0), MAXNODE)).isEqualTo(err(Errno.EINVAL));
    }

    // set_mempolicy(2) ERRORS: EINVAL both MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES
    @Test
    void set_mempolicy_STATIC_and_RELATIVE_together_is_EINVAL() {
        assertThat(set(MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, mask(0), MAXNODE))
                .isEqualTo(err(Errno.EINVAL));
    }

    // set_mempolicy(2) ERRORS: EINVAL MPOL_F_NUMA_BALANCING used with a mode other than MPOL_BIND
    @ParameterizedTest
    @ValueSource(ints = {MPOL_PREFERRED, MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE, MPOL_LOCAL, MPOL_DEFAULT})
    void set_mempolicy_NUMA_BALANCING_with_other_modes_is_EINVAL(int mode) {
        assertThat(set(mode | MPOL_F_NUMA_BALANCING, mask(0), MAXNODE)).isEqualTo(err(Errno.EINVAL));
    }

    // man-pages 6.03 allow NUMA_BALANCING with BIND only; 6.12 also with PREFERRED_MANY.
    // Checked on realkernel 6.12: rc 0 and get_mempolicy reports mode 0x2005 with the user mask.
    @Test
    void set_mempolicy_NUMA_BALANCING_with_PREFERRED_MANY_is_accepted() {
        assertThat(set(MPOL_PREFERRED_MANY | MPOL_F_NUMA_BALANCING, mask(0, 1), MAXNODE)).isZero();
        GetMempolicyResult g = numa.getMempolicy(a, true, MAXNODE, 0, 0);
        assertThat(g.mode()).isEqualTo(0x2005);
        assertThat(g.nodemask()[0]).isEqualTo(0b11);
    }

    // set_mempolicy(2) ERRORS: EINVAL mode is MPOL_DEFAULT and nodemask is nonempty
    @Test
    void set_mempolicy_MPOL_DEFAULT_with_nonempty_mask_is_EINVAL() {
        assertThat(set(MPOL_DEFAULT, mask(0), MAXNODE)).isEqualTo(err(Errno.EINVAL));
    }

    // set_mempolicy(2) ERRORS: EINVAL mode is MPOL_BIND or MPOL_INTERLEAVE and nodemask is empty
    // (the kernel also requires a mask for PREFERRED_MANY and WEIGHTED_INTERLEAVE)
    @ParameterizedTest
    @ValueSource(ints = {MPOL_BIND, MPOL_INTERLEAVE, MPOL_PREFERRED_MANY, MPOL_WEIGHTED_INTERLEAVE})
    void set_mempolicy_mask_modes_with_empty_mask_are_EINVAL(int mode) {
        assertThat(set(mode, mask(), MAXNODE)).isEqualTo(err(Errno.EINVAL));
        assertThat(set(mode, UserMask.NULL, MAXNODE)).isEqualTo(err(Errno.EINVAL));
    }

    // set_mempolicy(2): MPOL_LOCAL requires an empty nodemask (EINVAL otherwise), and takes no node flags
    @Test
    void set_mempolicy_LOCAL_with_nonempty_mask_or_node_flags_is_EINVAL() {
        assertThat(set(MPOL_LOCAL, mask(0), MAXNODE)).isEqualTo(err(Errno.EINVAL));
        assertThat(set(MPOL_LOCAL | MPOL_F_STATIC_NODES, UserMask.NULL, 0)).isEqualTo(err(Errno.EINVAL));
        assertThat(set(MPOL_LOCAL, UserMask.NULL, 0)).isZero();
        assertThat(a.policy().mode()).isEqualTo(MPOL_LOCAL);
    }

    // set_mempolicy(2): MPOL_PREFERRED with an empty nodemask means local allocation; with
    // STATIC/RELATIVE that is EINVAL. Checked on realkernel 6.12: get_mempolicy then reports 4 (LOCAL).
    @Test
    void set_mempolicy_PREFERRED_with_empty_mask_becomes_LOCAL_unless_node_flags() {
        assertThat(set(MPOL_PREFERRED | MPOL_F_STATIC_NODES, mask(), MAXNODE)).isEqualTo(err(Errno.EINVAL));
        assertThat(set(MPOL_PREFERRED, mask(), MAXNODE)).isZero();
        assertThat(numa.getMempolicy(a, false, 0, 0, 0).mode()).isEqualTo(MPOL_LOCAL);
        assertThat(set(MPOL_PREFERRED, UserMask.NULL, MAXNODE)).isZero();
        assertThat(a.policy().mode()).isEqualTo(MPOL_LOCAL);
    }

    // set_mempolicy(2) ERRORS: EINVAL maxnode specifies more than a page worth of bits
    @Test
    void set_mempolicy_maxnode_above_a_page_of_bits_is_EINVAL() {
        assertThat(set(MPOL_BIND, mask(0), 32770)).isEqualTo(err(Errno.EINVAL));
        // maxnode 0 wraps (the kernel reads maxnode - 1 bits); checked on realkernel 6.12
        assertThat(set(MPOL_BIND, mask(0), 0)).isEqualTo(err(Errno.EINVAL));
        assertThat(set(MPOL_BIND, mask(0), -1L)).isEqualTo(err(Errno.EINVAL));
    }

    // Exactly a page of bits is fine (checked on realkernel 6.12 with a zeroed 4 KiB buffer).
    @Test
    void set_mempolicy_maxnode_of_exactly_a_page_of_bits_is_accepted() {
        assertThat(set(MPOL_BIND, mask(0), 32769)).isZero();
        long[] words = new long[512];
        words[0] = 1;
        words[300] = 1;
        assertThat(set(MPOL_BIND, UserMask.of(words), 32769)).isEqualTo(err(Errno.EINVAL));
    }

    // get_nodes reads maxnode - 1 bits: maxnode 1 reads nothing, bits past maxnode - 1 are ignored
    // below MAX_NUMNODES. Checked on realkernel 6.12.
    @Test
    void set_mempolicy_reads_maxnode_minus_one_bits() {
        assertThat(set(MPOL_BIND, mask(0), 1)).as("no bits: empty mask").isEqualTo(err(Errno.EINVAL));
        assertThat(set(MPOL_DEFAULT, mask(0), 1)).isZero();
        assertThat(set(MPOL_DEFAULT, mask(1), 2)).as("bit 1 is past maxnode - 1 = 1 bit").isZero();
        assertThat(set(MPOL_BIND, mask(0, 1), 2)).isZero();
        assertThat(a.policy().nodes()).isEqualTo(NodeMask.of(0));
        assertThat(set(MPOL_BIND, UserMask.of(1L | 1L << 6), 65)).isZero();
    }

    // set_mempolicy(2) ERRORS: EINVAL nodemask specifies node IDs greater than the maximum supported
    @Test
    void set_mempolicy_node_bit_at_MAX_NUMNODES_is_EINVAL() {
        long[] w = new long[17];
        w[0] = 1;
        w[16] = 1; // node 1024
        assertThat(set(MPOL_BIND, UserMask.of(w), 1100)).isEqualTo(err(Errno.EINVAL));
        assertThat(set(MPOL_BIND, UserMask.of(w), 1025)).as("bit 1024 is past maxnode - 1").isZero();
    }

    // Past MAX_NUMNODES the kernel checks whole words, so a bit above maxnode - 1 in the top word
    // counts too. Checked on realkernel 6.12: bit 1040 with maxnode 1030 is EINVAL.
    @Test
    void set_mempolicy_checks_the_whole_top_word_past_MAX_NUMNODES() {
        long[] w = new long[17];
        w[0] = 1;
        w[16] = 1L << 16; // node 1040
        assertThat(set(MPOL_BIND, UserMask.of(w), 1030)).isEqualTo(err(Errno.EINVAL));
    }

    // set_mempolicy(2) ERRORS: EINVAL none of the node IDs are allowed by the cpuset or contain memory
    @Test
    void set_mempolicy_mask_without_memory_nodes_is_EINVAL() {
        assertThat(set(MPOL_BIND, mask(5), MAXNODE)).isEqualTo(err(Errno.EINVAL));
        assertThat(set(MPOL_PREFERRED, mask(3), MAXNODE)).isEqualTo(err(Errno.EINVAL));
        assertThat(set(MPOL_INTERLEAVE, mask(1023), MAXNODE)).isEqualTo(err(Errno.EINVAL));
    }

    @Test
    void set_mempolicy_mask_outside_the_cpuset_is_EINVAL() {
        a.setMemsAllowed(NodeMask.of(0));
        assertThat(set(MPOL_BIND, mask(1, 2), MAXNODE)).isEqualTo(err(Errno.EINVAL));
        assertThat(set(MPOL_BIND, mask(0, 1), MAXNODE)).isZero();
        assertThat(a.policy().nodes()).isEqualTo(NodeMask.of(0));
    }

    // set_mempolicy(2) ERRORS: EFAULT nodemask points outside the accessible address space.
    // The mode is checked first (checked on realkernel 6.12: bad mode + bad pointer is EINVAL).
    @Test
    void set_mempolicy_unreadable_mask_is_EFAULT_after_the_mode_check() {
        assertThat(set(MPOL_BIND, UserMask.bad(), MAXNODE)).isEqualTo(err(Errno.EFAULT));
        assertThat(set(MPOL_DEFAULT, UserMask.bad(), MAXNODE)).isEqualTo(err(Errno.EFAULT));
        assertThat(set(7, UserMask.bad(), MAXNODE)).isEqualTo(err(Errno.EINVAL));
        assertThat(set(MPOL_DEFAULT, UserMask.bad(), 1)).as("nothing to read").isZero();
    }

    // set_mempolicy(2): MPOL_PREFERRED uses the first node of the mask
    @Test
    void set_mempolicy_PREFERRED_keeps_the_first_allowed_node() {
        assertThat(set(MPOL_PREFERRED, mask(1, 2), MAXNODE)).isZero();
        assertThat(a.policy().nodes()).isEqualTo(NodeMask.of(1));
        assertThat(set(MPOL_PREFERRED, mask(0, 1, 5), MAXNODE)).isZero();
        assertThat(a.policy().nodes()).isEqualTo(NodeMask.of(0));
    }

    // MPOL_F_RELATIVE_NODES folds the user mask onto the allowed nodes: {4} on mems {0,1,2} is node 1.
    // Checked on realkernel 6.12 (3 memory nodes): pages land on node 1, get_mempolicy returns 0x4002 and {4}.
    @Test
    void set_mempolicy_RELATIVE_folds_onto_the_allowed_nodes() {
        assertThat(set(MPOL_BIND | MPOL_F_RELATIVE_NODES, mask(4), MAXNODE)).isZero();
        assertThat(a.policy().nodes()).isEqualTo(NodeMask.of(1));
        GetMempolicyResult g = numa.getMempolicy(a, true, MAXNODE, 0, 0);
        assertThat(g.mode()).isEqualTo(0x4002);
        assertThat(g.nodemask()[0]).isEqualTo(1L << 4);
        long p = anonTouched(a, 1);
        assertThat(nodeOf(a, p)).isEqualTo(1);
    }

    // STATIC keeps the user's mask for get_mempolicy; the policy itself uses the allowed part.
    // Checked on realkernel 6.12: INTERLEAVE|STATIC {1,2,4} reports 0x8003 and {1,2,4}.
    @Test
    void set_mempolicy_STATIC_reports_the_user_mask() {
        assertThat(set(MPOL_INTERLEAVE | MPOL_F_STATIC_NODES, mask(1, 2, 4), MAXNODE)).isZero();
        assertThat(a.policy().nodes()).isEqualTo(NodeMask.of(1, 2));
        GetMempolicyResult g = numa.getMempolicy(a, true, MAXNODE, 0, 0);
        assertThat(g.mode()).isEqualTo(0x8003);
        assertThat(g.nodemask()[0]).isEqualTo(0b10110);
    }

    // A plain BIND reports the contextualised nodes, BIND|NUMA_BALANCING the user's mask (the kernel
    // keeps the user mask for every mode flag). Checked on realkernel 6.12: {0,1,5} -> 0x3 / 0x23.
    @Test
    void set_mempolicy_NUMA_BALANCING_also_keeps_the_user_mask() {
        assertThat(set(MPOL_BIND, mask(0, 1, 5), MAXNODE)).isZero();
        assertThat(numa.getMempolicy(a, true, MAXNODE, 0, 0).nodemask()[0]).isEqualTo(0b11);
        assertThat(set(MPOL_BIND | MPOL_F_NUMA_BALANCING, mask(0, 1, 5), MAXNODE)).isZero();
        GetMempolicyResult g = numa.getMempolicy(a, true, MAXNODE, 0, 0);
        assertThat(g.mode()).isEqualTo(0x2002);
        assertThat(g.nodemask()[0]).isEqualTo(0b100011);
    }

    @Test
    void set_mempolicy_interleave_restarts_the_round_robin_and_DEFAULT_clears_the_policy() {
        a.ilPrev = 1;
        a.ilWeight = 3;
        assertThat(set(MPOL_WEIGHTED_INTERLEAVE, mask(0, 1), MAXNODE)).isZero();
        assertThat(a.ilPrev).isEqualTo(NodeMask.MAX_NUMNODES - 1);
        assertThat(a.ilWeight).isZero();
        assertThat(set(MPOL_DEFAULT, UserMask.NULL, 0)).isZero();
        assertThat(a.policy()).isNull();
    }
}
