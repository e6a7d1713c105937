package org.mmproto.api;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * An immutable {@code nodemask_t} of up to {@link #MAX_NUMNODES} nodes, parsed and printed as
 * numactl and sysfs lists ({@code 0-3,5}).
 */
public final class NodeMask {
    /** x86-64 distribution kernels use CONFIG_NODES_SHIFT=10. */
    public static final int MAX_NUMNODES = 1024;
    private static final int WORDS = MAX_NUMNODES / 64;
    public static final NodeMask NONE = new NodeMask(new long[WORDS]);

    private final long[] bits;

    private NodeMask(long[] bits) {
        this.bits = bits;
    }

    public static NodeMask of(int... nids) {
        long[] b = new long[WORDS];
        for (int nid : nids) {
            checkNid(nid);
            b[nid >>> 6] |= 1L << nid;
        }
        return new NodeMask(b);
    }

    /** The first {@code n} nodes, 0..n-1. */
    public static NodeMask firstN(int n) {
        return of(IntStream.range(0, n).toArray());
    }

    /**
     * Parses a list such as {@code 0-3,5} or {@code 2}; the empty string is the empty mask.
     *
     * @throws IllegalArgumentException naming the offending part of the text
     */
    public static NodeMask parse(String text) {
        return of(parseList(text, MAX_NUMNODES - 1));
    }

    /**
     * Parses a numactl-style id list ({@code 0-3,8,10-11}) into sorted unique ids no larger than
     * {@code maxId}. Also used for cpu lists.
     */
    public static int[] parseList(String text, int maxId) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return new int[0];
        }
        IntStream.Builder out = IntStream.builder();
        for (String part : t.split(",")) {
            String p = part.strip();
            int dash = p.indexOf('-');
            int lo;
            int hi;
            try {
                if (dash < 0) {
                    lo = hi = Integer.parseInt(p);
                } else {
                    lo = Integer.parseInt(p.substring(0, dash).strip());
                    hi = Integer.parseInt(p.substring(dash + 1).strip());
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad list element '" + p + "' in '" + t
                        + "': expected N or N-M with decimal ids");
            }
            if (lo < 0 || hi > maxId || lo > hi) {
                throw new IllegalArgumentException("bad range '" + p + "' in '" + t
                        + "': ids must satisfy 0 <= from <= to <= " + maxId);
            }
            for (int i = lo; i <= hi; i++) {
                out.add(i);
            }
        }
        return out.build().distinct().sorted().toArray();
    }

    /** Prints ids as a compressed list: {@code 0-3,5}; empty prints as the empty string. */
    public static String formatList(int[] sortedIds) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < sortedIds.length) {
            int j = i;
            while (j + 1 < sortedIds.length && sortedIds[j + 1] == sortedIds[j] + 1) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(sortedIds[i]);
            if (j > i) {
                sb.append('-').append(sortedIds[j]);
            }
            i = j + 1;
        }
        return sb.toString();
    }

    private static void checkNid(int nid) {
        if (nid < 0 || nid >= MAX_NUMNODES) {
            throw new IllegalArgumentException("node " + nid + " outside 0.." + (MAX_NUMNODES - 1));
        }
    }

    public boolean contains(int nid) {
        return nid >= 0 && nid < MAX_NUMNODES && (bits[nid >>> 6] & (1L << nid)) != 0;
    }

    public boolean isEmpty() {
        for (long w : bits) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    public int weight() {
        int n = 0;
        for (long w : bits) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** The lowest node, or -1 when empty ({@code first_node}). */
    public int first() {
        return next(-1);
    }

    /** The lowest node above {@code nid}, or -1 ({@code next_node}, returning -1 not MAX). */
    public int next(int nid) {
        for (int n = nid + 1; n < MAX_NUMNODES; n++) {
            long w = bits[n >>> 6] >>> (n & 63);
            if (w == 0) {
                n = (n | 63);
                continue;
            }
            return n + Long.numberOfTrailingZeros(w);
        }
        return -1;
    }

    /** The highest node, or -1 when empty. */
    public int last() {
        for (int i = WORDS - 1; i >= 0; i--) {
            if (bits[i] != 0) {
                return i * 64 + 63 - Long.numberOfLeadingZeros(bits[i]);
            }
        }
        return -1;
    }

    public int[] toArray() {
        int[] out = new int[weight()];
        int k = 0;
        for (int n = first(); n >= 0; n = next(n)) {
            out[k++] = n;
        }
        return out;
    }

    public NodeMask and(NodeMask o) {
        long[] b = new long[WORDS];
        for (int i = 0; i < WORDS; i++) {
            b[i] = bits[i] & o.bits[i];
        }
        return new NodeMask(b);
    }

    public NodeMask or(NodeMask o) {
        long[] b = new long[WORDS];
        for (int i = 0; i < WORDS; i++) {
            b[i] = bits[i] | o.bits[i];
        }
        return new NodeMask(b);
    }

    public NodeMask andNot(NodeMask o) {
        long[] b = new long[WORDS];
        for (int i = 0; i < WORDS; i++) {
            b[i] = bits[i] & ~o.bits[i];
        }
        return new NodeMask(b);
    }

    public NodeMask with(int nid) {
        checkNid(nid);
        long[] b = bits.clone();
        b[nid >>> 6] |= 1L << nid;
        return new NodeMask(b);
    }

    public boolean isSubsetOf(NodeMask o) {
        for (int i = 0; i < WORDS; i++) {
            if ((bits[i] & ~o.bits[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeMask m && Arrays.equals(bits, m.bits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bits);
    }

    /** The numactl list form, e.g. {@code 0-1,3}. */
    @Override
    public String toString() {
        return formatList(toArray());
    }
}
