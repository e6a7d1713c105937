package org.mmproto.core.policy;

import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;

/**
 * The user nodemask arguments of the NUMA syscalls: {@code get_nodes} (copy in) and
 * {@code copy_nodes_to_user} (copy out), with the kernel's {@code maxnode} arithmetic.
 *
 * <p>Copy in: the kernel reads {@code maxnode - 1} bits ({@code maxnode} is unsigned, so 0 wraps
 * to a huge count). No bits (maxnode 1) or a NULL pointer give the empty mask. More than a page
 * worth of bits is EINVAL. Past MAX_NUMNODES (1024) the extra part must be zero; the kernel
 * checks it a whole word at a time from the top, so in the top word even bits above
 * {@code maxnode - 1} count (checked on realkernel 6.12: bit 1040 with maxnode 1030 is EINVAL).
 * Below that, bits at or above {@code maxnode - 1} are ignored. An unreadable mask is EFAULT
 * once a word has to be read.
 *
 * <p>The user buffer is {@link UserMask#words()}; words past its end read as zero (the simulated
 * buffer is taken to be as long as {@code maxnode} says).
 */
public final class NodemaskArgs {
    /** PAGE_SIZE * BITS_PER_BYTE: the most bits get_nodes accepts. */
    static final long MAX_BITS = 4096L * 8;
    private static final int BITS_PER_LONG = 64;

    /** A parsed mask or a negated errno. */
    public record In(int err, NodeMask nodes) {
        static In error(Errno e) {
            return new In(-e.code(), null);
        }

        public boolean ok() {
            return err == 0;
        }
    }

    private NodemaskArgs() {
    }

    /** get_nodes(nodes, nmask, maxnode). */
    public static In getNodes(UserMask nmask, long maxnode) {
        long bits = maxnode - 1; // unsigned: maxnode 0 wraps
        if (bits == 0 || nmask == null || nmask.isNull()) {
            return new In(0, NodeMask.NONE);
        }
        if (Long.compareUnsigned(bits, MAX_BITS) > 0) {
            return In.error(Errno.EINVAL);
        }
        while (bits > NodeMask.MAX_NUMNODES) {
            long chunk = Math.min(bits, BITS_PER_LONG);
            if (nmask.unreadable()) {
                return In.error(Errno.EFAULT);
            }
            long t = word(nmask, (int) ((bits - 1) / BITS_PER_LONG));
            if (chunk % BITS_PER_LONG != 0) {
                t &= (1L << chunk) - 1;
            }
            if (bits - chunk >= NodeMask.MAX_NUMNODES) {
                bits -= chunk;
            } else {
                bits = NodeMask.MAX_NUMNODES;
                // MAX_NUMNODES is a multiple of 64: the kernel's mask of the low bits is empty
            }
            if (t != 0) {
                return In.error(Errno.EINVAL);
            }
        }
        if (nmask.unreadable()) {
            return In.error(Errno.EFAULT);
        }
        NodeMask m = NodeMask.NONE;
        for (int n = 0; n < bits; n++) {
            if ((word(nmask, n / BITS_PER_LONG) >>> (n % BITS_PER_LONG) & 1) != 0) {
                m = m.with(n);
            }
        }
        return new In(0, m);
    }

    private static long word(UserMask m, int i) {
        long[] w = m.words();
        return w != null && i < w.length ? w[i] : 0;
    }

    /**
     * copy_nodes_to_user(mask, maxnode, nodes): the words written to the user's buffer,
     * ALIGN(maxnode - 1, 64) bits of them (bits beyond nr_node_ids are cleared), or null when the
     * buffer would be larger than a page (EINVAL, after the mode was already stored).
     */
    public static long[] copyNodesToUser(long maxnode, NodeMask nodes, int nrNodeIds) {
        long copyBytes = alignUp(maxnode - 1, BITS_PER_LONG) / 8;
        long nbytes = (long) ((nrNodeIds + BITS_PER_LONG - 1) / BITS_PER_LONG) * 8;
        if (Long.compareUnsigned(copyBytes, nbytes) > 0 && Long.compareUnsigned(copyBytes, 4096) > 0) {
            return null;
        }
        long[] out = new long[(int) (copyBytes / 8)];
        int filled = (int) Math.min(out.length, nbytes / 8);
        for (int n = nodes.first(); n >= 0 && n / BITS_PER_LONG < filled; n = nodes.next(n)) {
            out[n / BITS_PER_LONG] |= 1L << (n % BITS_PER_LONG);
        }
        return out;
    }

    private static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }
}
