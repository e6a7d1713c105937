package org.mmproto.core.replay;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A trace file on disk, plain, gzip, xz or zlib (told by the magic bytes, not the name), read as
 * a stream of lines.
 */
public final class TraceFile {
    /** The second byte of a zlib stream's header at the four compression levels (CMF 0x78). */
    private static final String ZLIB_FLG = "\u0001\u005e\u009c\u00da";
    private final Path path;

    public TraceFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** Opens the trace for reading from its first line. */
    public LineReader open() {
        return open(n -> { });
    }

    /** The file's size in bytes (what {@link #open(LongConsumer)} reports progress against). */
    public long size() {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Opens the trace, telling {@code bytesRead} how many bytes of the file were consumed so far. */
    public LineReader open(LongConsumer bytesRead) {
        try {
            InputStream decoded = XzCache.open(path, bytesRead); // decoded once per JVM
            if (decoded != null) {
                return new LineReader(decoded, path.toString());
            }
            return open(Files.newInputStream(path), path.toString(), bytesRead);
        } catch (NoSuchFileException e) {
            throw new TraceFormatException(path.toString(), 0, "no such trace file");
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot open the trace: " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code raw} (a file, a pipe, a generator) as trace lines, decompressed by its magic;
     * holds at most a few 64 KiB buffers of it at any time.
     */
    public static LineReader open(InputStream raw, String name, LongConsumer bytesRead) throws IOException {
        InputStream counted = new CountingStream(raw, bytesRead);
        return new LineReader(decompress(new BufferedInputStream(counted, 1 << 16)), name);
    }

    /** True for a named pipe or other stream that can be read once only (its kind is told as it is replayed). */
    public boolean readOnce() {
        return Files.exists(path) && !Files.isRegularFile(path);
    }

    static InputStream decompress(BufferedInputStream in) throws IOException {
        in.mark(8);
        byte[] magic = in.readNBytes(6);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        if (magic.length >= 2 && magic[0] == 0x78 && ZLIB_FLG.indexOf(magic[1] & 0xff) >= 0) {
            return new InflaterInputStream(in, new Inflater(), 1 << 16); // damo's json_compressed records
        }
        if (magic.length == 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z' && magic[3] == 'X'
                && magic[4] == 'Z' && magic[5] == 0) {
            return new BufferedInputStream(new XZInputStream(in), 1 << 16);
        }
        return in;
    }

    /** The kind of trace, from the first lines that tell it. */
    public TraceKind detect() {
        try (LineReader r = open()) {
            return r.detect();
        }
    }

    /** Counts the bytes read from the file (each buffer refill, so the callback is cheap). */
    private static final class CountingStream extends FilterInputStream {
        private final LongConsumer bytesRead;
        private long n;

        CountingStream(InputStream in, LongConsumer bytesRead) {
            super(in);
            this.bytesRead = bytesRead;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytesRead.accept(++n);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                n += r;
                bytesRead.accept(n);
            }
            return r;
        }
    }
}
