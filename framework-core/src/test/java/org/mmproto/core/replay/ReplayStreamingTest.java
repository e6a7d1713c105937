package org.mmproto.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A trace streams: the reader never holds more than its buffers of it, however long it is. The
 * trace here is generated as it is read, so a reader that slurped it would be caught ahead of
 * the parser by the whole trace.
 */
class ReplayStreamingTest {
    private static final int RECORDS = 1_000_000;
    /** The buffers between the stream and the parser: 64 KiB bytes, 64 Ki chars, slack. */
    private static final long BOUND = 256L << 10;

    /** {@code " L %010x,8\n"}: 16 bytes a record, addresses over 64 MiB, made on read. */
    private static final class LackeyGenerator extends InputStream {
        static final int LINE = 16;
        private final long records;
        private long produced;

        LackeyGenerator(long records) {
            this.records = records;
        }

        long produced() {
            return produced;
        }

        @Override
        public int read() {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long total = records * LINE;
            if (produced >= total) {
                return -1;
            }
            int n = (int) Math.min(len, total - produced);
            for (int i = 0; i < n; i++) {
                long pos = produced + i;
                b[off + i] = lineByte(pos / LINE, (int) (pos % LINE));
            }
            produced += n;
            return n;
        }

        private static byte lineByte(long rec, int col) {
            if (col == 0 || col == 2) {
                return ' ';
            }
            if (col == 1) {
                return 'L';
            }
            if (col <= 12) {
                long addr = 0x10000000L + (rec * 4096 * 7919) % (64L << 20);
                return (byte) Character.forDigit((int) (addr >>> (4 * (12 - col))) & 0xf, 16);
            }
            return (byte) ",8\n".charAt(col - 13);
        }
    }

    @Test
    void a_long_generated_trace_is_replayed_with_the_reader_never_more_than_its_buffers_ahead() throws IOException {
        LackeyGenerator gen = new LackeyGenerator(RECORDS);
        long[] seen = {0, 0};
        AccessSink sink = (addr, size, write, ns) -> {
            long consumed = (seen[0] + 1) * LackeyGenerator.LINE;
            seen[1] = Math.max(seen[1], gen.produced() - consumed);
            seen[0]++;
        };
        long[] progress = {0};
        try (LineReader in = TraceFile.open(gen, "gen.lackey", n -> progress[0] = n)) {
            assertThat(in.detect()).isEqualTo(TraceKind.LACKEY); // read ahead, un-read: nothing lost
            assertThat(new LackeyParser(1).replay(in, sink, Long.MAX_VALUE)).isEqualTo(RECORDS);
        }
        assertThat(seen[0]).isEqualTo(RECORDS);
        assertThat(gen.produced()).isEqualTo((long) RECORDS * LackeyGenerator.LINE);
        assertThat(progress[0]).isEqualTo(gen.produced());
        assertThat(seen[1]).as("bytes read ahead of the parser").isPositive().isLessThanOrEqualTo(BOUND);
    }

    @Test
    void the_generator_writes_lackey_lines() throws IOException {
        byte[] two = new LackeyGenerator(2).readAllBytes();
        assertThat(new String(two, StandardCharsets.US_ASCII)).isEqualTo(" L 0010000000,8\n L 0011eef000,8\n");
    }
}
