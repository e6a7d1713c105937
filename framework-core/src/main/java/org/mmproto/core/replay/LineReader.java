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
    private final long first;
    private String current;

    public LineReader(InputStream in, String file) {
        this(in, file, 0);
    }

    /**
     * A reader whose first line is line {@code linesBefore + 1}: the rest of a trace whose first
     * lines were read elsewhere (and how a test shows that numbers past 2^31 are kept).
     */
    LineReader(InputStream in, String file, long linesBefore) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1 << 16);
        this.file = file;
        this.line = linesBefore;
        this.first = linesBefore;
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
     * {@link #next()}. At most {@link #DETECT_LINES} lines and 1 MiB of characters are peeked, and
     * a line longer than what was peeked is judged by its beginning: a one-line JSON document of
     * any size (damo's JSON without indentation) is told by its first keys, never read whole.
     */
    public TraceKind detect() {
        if (line != first) {
            throw new IllegalStateException("detect() after next()");
        }
        char[] buf = new char[DETECT_CHARS];
        int got = 0;
        int lines = 0;
        int from = 0;
        try {
            in.mark(DETECT_CHARS + 1);
            try {
                // peek in small steps: a kind told by the first lines reads no further ahead
                boolean eof = false;
                boolean jsonChecked = false;
                int scan = 0;
                while (lines < DETECT_LINES) {
                    while (scan < got && buf[scan] != '\n') {
                        scan++;
                    }
                    if (scan == got && !eof && got < buf.length) {
                        int r = in.read(buf, got, Math.min(8192, buf.length - got));
                        if (r < 0) {
                            eof = true;
                        } else {
                            got += r;
                        }
                        if (!jsonChecked) {
                            jsonChecked = got >= (1 << 16) || eof;
                            TraceKind json = TraceKind.ofJsonStart(new String(buf, 0, Math.min(got, 1 << 16)));
                            if (json != null) {
                                return json;
                            }
                        }
                        continue; // the line is not complete yet: peek further
                    }
                    if (from >= got) {
                        break;
                    }
                    int end = scan > from && buf[scan - 1] == '\r' ? scan - 1 : scan;
                    lines++;
                    TraceKind k = TraceKind.of(new String(buf, from, end - from));
                    if (k != null) {
                        return k; // a line cut at the peek's end is judged by what was peeked of it
                    }
                    from = scan + 1;
                    scan = from;
                }
            } finally {
                in.reset();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the trace: " + e.getMessage(), e);
        }
        throw new TraceFormatException(file, Math.max(lines, 1), "cannot tell the trace kind from the first "
                + lines + " lines: expected strace -f -tt output, valgrind lackey --trace-mem=yes output, perf"
                + " script sample lines, damo report raw text or damo's JSON (or name it with kind:)");
    }

    /** True when the first non-blank character is '[' or '{' (a JSON document); reads nothing away. */
    public boolean startsJson() {
        if (line != first) {
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
