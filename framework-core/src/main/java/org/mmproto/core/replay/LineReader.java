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
    private final BufferedReader in;
    private final String file;
    private int line;
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

    /** The number of the line {@link #next()} returned last (1-based). */
    public int line() {
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
