package org.mmproto.core.replay;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A trace read one line at a time (never whole), counting lines so that every error names
 * {@code file:line}. Bytes are read as ISO-8859-1: traces are ASCII, and a stray byte in a
 * quoted strace string must not stop the replay.
 */
public final class LineReader implements Closeable {
    static final int DETECT_LINES = 64;
    private static final int DETECT_CHARS = 1 << 20;
    private final BufferedReader in;
    private final String file;
    private long line;
    private String current;

    public LineReader(InputStream in, String file) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1 << 16);
        this.file = file;
    }

    /** The next line without its terminator, or null at the end. */
    public String next() {
        try {
            current = in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ":" + (line + 1) + ": cannot read the trace: " + e.getMessage(), e);
        }
        if (current != null) {
            line++;
        }
        return current;
    }

    /**
     * The kind of trace its first lines tell, read ahead and then un-read, so that a named pipe
     * (which can be read once) is told and replayed from one stream. Must be called before
     * {@link #next()}.
     */
    public TraceKind detect() {
        if (line != 0) {
            throw new IllegalStateException("detect() after next()");
        }
        try {
            in.mark(DETECT_CHARS + (1 << 16));
            int chars = 0;
            try {
                String s;
                while (line < DETECT_LINES && chars < DETECT_CHARS && (s = in.readLine()) != null) {
                    line++;
                    chars += s.length() + 1;
                    TraceKind k = TraceKind.of(s);
                    if (k != null) {
                        return k;
                    }
                }
                throw new TraceFormatException(file, Math.max(line, 1), "cannot tell the trace kind from the first "
                        + line + " lines: expected strace -f -tt output, valgrind lackey --trace-mem=yes output, perf"
                        + " script sample lines, damo report raw text or damo's JSON (or name it with kind:)");
            } finally {
                in.reset();
                line = 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the trace: " + e.getMessage(), e);
        }
    }

    /** True when the first non-blank character is '[' or '{' (a JSON document); reads nothing away. */
    public boolean startsJson() {
        if (line != 0) {
            throw new IllegalStateException("startsJson() after next()");
        }
        try {
            in.mark(DETECT_CHARS + (1 << 16));
            try {
                int c;
                int read = 0;
                while ((c = in.read()) >= 0 && Character.isWhitespace(c) && ++read < DETECT_CHARS) {
                    // skip
                }
                return c == '[' || c == '{';
            } finally {
                in.reset();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the trace: " + e.getMessage(), e);
        }
    }

    /** The number of the line {@link #next()} returned last (1-based). */
    public long line() {
        return line;
    }

    public String file() {
        return file;
    }

    /** An error at the current line: {@code expected}, then the line itself (shortened). */
    public TraceFormatException error(String expected) {
        return new TraceFormatException(file, line, "expected " + expected + ", got '" + shorten(current) + "'");
    }

    static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
