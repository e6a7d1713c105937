package org.mmproto.core.policy;

/** get_mempolicy's outputs: the return value, *mode and the nodemask words (null if NULL was passed). */
public record GetMempolicyResult(long ret, int mode, long[] nodemask) {
}
