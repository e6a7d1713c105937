package org.mmproto.core.policy;

/** move_pages: the return value and the status array (unwritten entries hold Integer.MIN_VALUE). */
public record MovePagesResult(long ret, int[] status) {
}
