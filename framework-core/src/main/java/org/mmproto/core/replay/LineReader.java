package org.mmproto.core.replay;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A trace read one line at a time (never whole), counting lines in a long so that every error
 * names {@code file:line}. Bytes are read as ISO-8859-1: traces are ASCII, and a stray byte in a
 * quoted strace string must not stop the replay. The reader's own buffer is the read-ahead:
 * {@link #detect()} peeks into it without consuming anything, and an access trace's parser reads
 * its lines in place ({@link #nextLine()}, no String per line).
 */
public final class LineReader implements Closeable {
    static final int DETECT_LINES = 64;
    private static final int DETECT_CHARS = 1 << 20;
    private static final int CHUNK = 1 << 16;
    private final InputStream in;
    private final String file;
    private long line;
    private final long first;
    private String current;
    /** Read ahead of the line being parsed: [pos, lim) of buf. */
    private byte[] buf = new byte[CHUNK];
    private int pos;
    private int lim;
    private boolean eof;
    private int lineStart;
    private int lineEnd;

    public LineReader(InputStream in, String file) {
        this(in, file, 0);
    }

    /**
     * A reader whose first line is line {@code linesBefore + 1}: the rest of a trace whose first
     * lines were read elsewhere (and how a test shows that numbers past 2^31 are kept).
     */
    LineReader(InputStream in, String file, long linesBefore) {
        this.in = in;
        this.file = file;
        this.line = linesBefore;
        this.first = linesBefore;
    }

    /** The next line without its terminator, or null at the end. */
    public String next() {
        if (!nextLine()) {
            return null;
        }
        current = new String(buf, lineStart, lineEnd - lineStart, StandardCharsets.ISO_8859_1);
        return current;
    }

    /**
     * The next line, in place: true when there is one, which is then {@code bytes()[lineStart()]}
     * up to {@code lineEnd()} (without its '\n' or "\r\n"), valid until the next read. The hot
     * path of an access trace: no String per line.
     */
    public boolean nextLine() {
        current = null;
        int scan = pos;
        while (true) {
            byte[] b = buf;
            int nl = scan;
            int end = lim;
            while (nl < end && b[nl] != '\n') {
                nl++;
            }
            if (nl < end) {
                lineStart = pos;
                lineEnd = nl > pos && b[nl - 1] == '\r' ? nl - 1 : nl;
                pos = nl + 1;
                line++;
                return true;
            }
            if (eof) {
                if (pos < lim) {
                    lineStart = pos; // the last line has no terminator
                    lineEnd = lim;
                    pos = lim;
                    line++;
                    return true;
                }
                return false;
            }
            scan = nl - pos; // where the search stopped, relative to the line's start
            fill();
            scan += pos;
        }
    }

    /** Keeps what was not consumed, makes room (a line longer than the buffer grows it) and reads more. */
    private void fill() {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        if (lim == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        try {
            int r = in.read(buf, lim, Math.min(buf.length - lim, Math.max(CHUNK, buf.length - lim)));
            if (r < 0) {
                eof = true;
            } else {
                lim += r;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ":" + (line + 1) + ": cannot read the trace: " + e.getMessage(), e);
        }
    }

    /** The buffer {@link #nextLine()}'s line is in. */
    byte[] bytes() {
        return buf;
    }

    int lineStart() {
        return lineStart;
    }

    int lineEnd() {
        return lineEnd;
    }

    /**
     * The kind of trace its first lines tell, peeked at and left unread, so that a named pipe
     * (which can be read once) is told and replayed from one stream. Must be called before
     * {@link #next()}. At most {@link #DETECT_LINES} lines and 1 MiB are peeked, read a chunk at a
     * time until the kind is told (the first lines of a lackey trace are one chunk), and a line
     * longer than what was peeked is judged by its beginning: a one-line JSON document of any size
     * (damo's JSON without indentation) is told by its first keys, never read whole.
     */
    public TraceKind detect() {
        if (line != first) {
            throw new IllegalStateException("detect() after next()");
        }
        int lines = 0;
        int from = pos;
        int scan = pos;
        boolean jsonChecked = false;
        while (lines < DETECT_LINES) {
            while (scan < lim && buf[scan] != '\n') {
                scan++;
            }
            if (scan == lim && !eof && lim - pos < DETECT_CHARS) {
                int offFrom = from - pos;
                int offScan = scan - pos;
                fill();
                from = pos + offFrom;
                scan = pos + offScan;
                if (!jsonChecked) {
                    jsonChecked = lim - pos >= CHUNK || eof;
                    TraceKind json = TraceKind.ofJsonStart(text(pos, Math.min(lim, pos + CHUNK)));
                    if (json != null) {
                        return json;
                    }
                }
                continue; // the line is not complete yet: peek further
            }
            if (from >= lim) {
                break;
            }
            int end = scan > from && buf[scan - 1] == '\r' ? scan - 1 : scan;
            lines++;
            TraceKind k = TraceKind.of(text(from, end));
            if (k != null) {
                return k; // a line cut at the peek's end is judged by what was peeked of it
            }
            from = scan + 1;
            scan = from;
        }
        throw new TraceFormatException(file, Math.max(lines, 1), "cannot tell the trace kind from the first "
                + lines + " lines: expected strace -f -tt output, valgrind lackey --trace-mem=yes output, perf"
                + " script sample lines, damo report raw text or damo's JSON (or name it with kind:)");
    }

    private String text(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** True when the first non-blank character is '[' or '{' (a JSON document); reads nothing away. */
    public boolean startsJson() {
        if (line != first) {
            throw new IllegalStateException("startsJson() after next()");
        }
        int i = pos;
        while (true) {
            while (i < lim && Character.isWhitespace((char) (buf[i] & 0xff))) {
                i++;
            }
            if (i < lim) {
                return buf[i] == '[' || buf[i] == '{';
            }
            if (eof || lim - pos >= DETECT_CHARS) {
                return false;
            }
            int off = i - pos;
            fill();
            i = pos + off;
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
        String text = current != null ? current : line == first ? null : text(lineStart, lineEnd);
        return new TraceFormatException(file, line, "expected " + expected + ", got '" + shorten(text) + "'");
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
