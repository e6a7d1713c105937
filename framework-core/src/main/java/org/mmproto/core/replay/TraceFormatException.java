package org.mmproto.core.replay;

import org.mmproto.core.config.ConfigException;

/**
 * A malformed trace line: names the trace file, the line, what was expected and what was there.
 * Trace lines are counted in a long (a 10 GiB lackey trace has more than 2^31 of them); a line
 * past {@code Integer.MAX_VALUE} is in the message ({@code file:line: ...}) and in
 * {@link #traceLine()}, while {@link #line()} (an int) is then 0.
 */
public final class TraceFormatException extends ConfigException {
    private static final long serialVersionUID = 1L;
    private final long traceLine;

    public TraceFormatException(String file, long line, String message) {
        super(line <= Integer.MAX_VALUE ? file : file + ":" + line, (int) Math.min(line, Integer.MAX_VALUE) == line
                ? (int) line : 0, 0, message);
        this.traceLine = line;
    }

    /** The 1-based trace line, however large. */
    public long traceLine() {
        return traceLine;
    }
}
