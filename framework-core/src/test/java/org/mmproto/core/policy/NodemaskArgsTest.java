package org.mmproto.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;

/** get_nodes / copy_nodes_to_user arithmetic (the cases were checked on realkernel 6.12 through the syscalls). */
class NodemaskArgsTest {
    @Test
    void get_nodes_reads_maxnode_minus_one_bits() {
        assertThat(NodemaskArgs.getNodes(UserMask.of(0b111), 3).nodes()).isEqualTo(NodeMask.of(0, 1));
        assertThat(NodemaskArgs.getNodes(UserMask.of(0b111), 1).nodes()).isEqualTo(NodeMask.NONE);
        assertThat(NodemaskArgs.getNodes(UserMask.NULL, 1025).nodes()).isEqualTo(NodeMask.NONE);
        assertThat(NodemaskArgs.getNodes(UserMask.bad(), 1).ok()).as("nothing read").isTrue();
        assertThat(NodemaskArgs.getNodes(UserMask.of(-1L, -1L), 129).nodes().weight()).isEqualTo(128);
        assertThat(NodemaskArgs.getNodes(UserMask.of(1L << 63), 64).nodes()).as("bit 63 is past 63 bits").isEqualTo(NodeMask.NONE);
    }

    @Test
    void get_nodes_limits() {
        assertThat(NodemaskArgs.getNodes(UserMask.of(1), 0).err()).isEqualTo(-Errno.EINVAL.code());
        assertThat(NodemaskArgs.getNodes(UserMask.of(1), 32770).err()).isEqualTo(-Errno.EINVAL.code());
        assertThat(NodemaskArgs.getNodes(UserMask.of(1), 32769).ok()).isTrue();
        assertThat(NodemaskArgs.getNodes(UserMask.bad(), 2).err()).isEqualTo(-Errno.EFAULT.code());
        assertThat(NodemaskArgs.getNodes(UserMask.bad(), 2000).err()).isEqualTo(-Errno.EFAULT.code());
        long[] w = new long[20];
        w[19] = 1L << 63;
        assertThat(NodemaskArgs.getNodes(UserMask.of(w), 1281).err()).as("node 1279").isEqualTo(-Errno.EINVAL.code());
        w[19] = 0;
        w[15] = 1L << 63;
        assertThat(NodemaskArgs.getNodes(UserMask.of(w), 1281).nodes()).isEqualTo(NodeMask.of(1023));
    }

    @Test
    void copy_nodes_to_user_sizes() {
        NodeMask m = NodeMask.of(0, 2);
        assertThat(NodemaskArgs.copyNodesToUser(3, m, 3)).containsExactly(0b101L);
        assertThat(NodemaskArgs.copyNodesToUser(65, m, 3)).containsExactly(0b101L);
        assertThat(NodemaskArgs.copyNodesToUser(66, m, 3)).containsExactly(0b101L, 0L);
        assertThat(NodemaskArgs.copyNodesToUser(32769, m, 3)).hasSize(512);
        assertThat(NodemaskArgs.copyNodesToUser(32770, m, 3)).isNull();
    }
}
