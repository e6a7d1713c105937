package org.mmproto.core.policy;

import org.mmproto.api.NodeMask;

/**
 * A user-space {@code const unsigned long *nodemask} argument: NULL, an unreadable pointer
 * (EFAULT), or the words it points at (bit n of word n/64 = node n), read by the kernel up to
 * {@code maxnode - 1} bits. Words past the end of {@code words} read as zero (the buffer is
 * taken to be as long as maxnode says); see {@link NodemaskArgs}.
 */
public record UserMask(long[] words, boolean unreadable) {
    public static final UserMask NULL = new UserMask(null, false);

    public static UserMask bad() {
        return new UserMask(null, true);
    }

    public static UserMask of(long... words) {
        return new UserMask(words.clone(), false);
    }

    public static UserMask of(NodeMask mask) {
        int last = mask.last();
        long[] w = new long[Math.max(1, last / 64 + 1)];
        for (int n = mask.first(); n >= 0; n = mask.next(n)) {
            w[n >>> 6] |= 1L << n;
        }
        return new UserMask(w, false);
    }

    public boolean isNull() {
        return words == null && !unreadable;
    }
}
