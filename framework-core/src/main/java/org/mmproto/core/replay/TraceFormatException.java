package org.mmproto.core.replay;

import org.mmproto.core.config.ConfigException;

/** A malformed trace line: names the trace file, the line, what was expected and what was there. */
public final class TraceFormatException extends ConfigException {
    private static final long serialVersionUID = 1L;

    public TraceFormatException(String file, int line, String message) {
        super(file, line, 0, message);
    }
}
