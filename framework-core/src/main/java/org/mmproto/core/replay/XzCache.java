package org.mmproto.core.replay;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.tukaani.xz.XZInputStream;

/**
 * xz traces decoded once per JVM: a compare replays the same .xz trace under every design (and
 * often twice in a scenario), and decoding is most of the cost of reading it. The decoded bytes
 * are kept as far as any reader got (the prefix, in 64 KiB chunks, at most {@link #cap} bytes),
 * keyed by the file's path, modification time and size, so a changed file is decoded afresh; a
 * reader past a full prefix decodes the rest on its own. The few most recent files are kept.
 */
final class XzCache {
    static final int CHUNK = 1 << 16;
    static final long CAP = 64L << 20;
    /** The prefix kept per file ({@link #CAP}; tests lower it). */
    static long cap = CAP;
    /** Decoders the cache has opened (shared and private), for tests. */
    static int decoders;
    private static final int FILES = 4;

    private record Key(Path path, long mtime, long size) {}

    private static final Map<Key, Entry> ENTRIES = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            return size() > FILES;
        }
    };

    private XzCache() {
    }

    /** The decoded stream of {@code path} when it is a regular xz file, else null (read it as before). */
    static InputStream open(Path path, LongConsumer bytesRead) throws IOException {
        if (!Files.isRegularFile(path)) {
            return null;
        }
        byte[] magic;
        try (InputStream in = Files.newInputStream(path)) {
            magic = in.readNBytes(6);
        }
        if (magic.length < 6 || (magic[0] & 0xff) != 0xfd || magic[1] != '7' || magic[2] != 'z' || magic[3] != 'X'
                || magic[4] != 'Z' || magic[5] != 0) {
            return null;
        }
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        Key k = new Key(path.toAbsolutePath().normalize(), a.lastModifiedTime().toMillis(), a.size());
        Entry e;
        synchronized (ENTRIES) {
            e = ENTRIES.computeIfAbsent(k, key -> new Entry(key.path()));
        }
        return new Reader(e, bytesRead);
    }

    /** A file's decoded prefix and the decoder that extends it. */
    private static final class Entry {
        private final Path path;
        private final List<byte[]> chunks = new ArrayList<>();
        /** Compressed bytes the decoder had consumed when chunk i was last extended (for progress). */
        private final List<Long> compressedAt = new ArrayList<>();
        private long length;
        private boolean eof;
        private InputStream decoder;
        private final long[] consumed = {0};

        Entry(Path path) {
            this.path = path;
        }

        /** Up to {@code len} decoded bytes at {@code pos}: the count, -1 at the end, -2 past a full prefix. */
        synchronized int read(long pos, byte[] b, int off, int len) throws IOException {
            while (pos >= length && !eof && length < cap) {
                fill();
            }
            if (pos >= length) {
                return eof ? -1 : -2;
            }
            int co = (int) (pos % CHUNK);
            int n = (int) Math.min(len, Math.min(CHUNK - co, length - pos));
            System.arraycopy(chunks.get((int) (pos / CHUNK)), co, b, off, n);
            return n;
        }

        synchronized long compressedAt(long pos) {
            return compressedAt.isEmpty() ? 0 : compressedAt.get((int) Math.min(pos / CHUNK, compressedAt.size() - 1));
        }

        private void fill() throws IOException {
            if (decoder == null) {
                decoders++;
                decoder = new XZInputStream(new BufferedInputStream(counting(Files.newInputStream(path), consumed), CHUNK));
            }
            int co = (int) (length % CHUNK);
            if (co == 0) {
                chunks.add(new byte[CHUNK]);
                compressedAt.add(0L);
            }
            int r = decoder.read(chunks.get(chunks.size() - 1), co, CHUNK - co);
            if (r < 0) {
                eof = true;
            } else {
                length += r;
                compressedAt.set(chunks.size() - 1, consumed[0]);
            }
            if (eof || length >= cap) {
                decoder.close();
                decoder = null;
            }
        }
    }

    private static InputStream counting(InputStream in, long[] consumed) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int r = super.read(b, off, len);
                if (r > 0) {
                    consumed[0] += r;
                }
                return r;
            }
        };
    }

    /** One reader's position in a cached file; past a full prefix, its own decoder. */
    private static final class Reader extends InputStream {
        private final Entry entry;
        private final LongConsumer bytesRead;
        private long pos;
        private InputStream own;

        Reader(Entry entry, LongConsumer bytesRead) {
            this.entry = entry;
            this.bytesRead = bytesRead;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int r = read(one, 0, 1);
            return r < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (own == null) {
                int r = entry.read(pos, b, off, len);
                if (r >= 0) {
                    pos += r;
                    bytesRead.accept(entry.compressedAt(pos));
                    return r;
                }
                if (r == -1) {
                    return -1;
                }
                long[] consumed = {0};
                decoders++;
                own = new XZInputStream(new BufferedInputStream(counting(Files.newInputStream(entry.path), consumed), CHUNK));
                own.skipNBytes(pos);
                own = new CountedTail(own, consumed, bytesRead);
            }
            return own.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (own != null) {
                own.close();
            }
        }
    }

    /** A private decoder's reads, reporting the compressed bytes it consumed. */
    private static final class CountedTail extends FilterInputStream {
        private final long[] consumed;
        private final LongConsumer bytesRead;

        CountedTail(InputStream in, long[] consumed, LongConsumer bytesRead) {
            super(in);
            this.consumed = consumed;
            this.bytesRead = bytesRead;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            bytesRead.accept(consumed[0]);
            return r;
        }
    }
}
