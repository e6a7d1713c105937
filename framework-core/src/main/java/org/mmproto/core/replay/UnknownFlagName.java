package org.mmproto.core.replay;

/**
 * A flag name strace printed that the replay's tables do not have (a newer kernel's, or one the
 * replay does not model: {@code MAP_HUGE_2MB}): the call it is in is reported and not replayed,
 * the rest of the log goes on. Malformed text is a {@link TraceFormatException} instead.
 */
final class UnknownFlagName extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String name;

    UnknownFlagName(String name, String message) {
        super(message, null, false, false);
        this.name = name;
    }

    /** The name as logged. */
    String name() {
        return name;
    }
}
