package org.mmproto.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Telling a trace's kind from a bounded peek, lackey's line grammar, and line numbers past 2^31. */
class ReplayInputTest {
    @TempDir
    Path dir;

    /** damo's JSON written without indentation: one line of {@code regions} regions. */
    private static String oneLineDamonJson(int regions) {
        StringBuilder sb = new StringBuilder("[{\"kdamond_idx\": 0, \"context_idx\": 0, \"intervals\": {\"sample_us\":"
                + " \"5000\", \"aggr_us\": \"100000\", \"ops_update_us\": \"1000000\"}, \"scheme_idx\": null,"
                + " \"target_id\": 0, \"scheme_filters\": [], \"snapshots\": [{\"start_time\": \"0\", \"end_time\":"
                + " \"100000000\", \"regions\": [");
        for (int i = 0; i < regions; i++) {
            long start = 0x7f0000000000L + i * 4096L;
            sb.append(i == 0 ? "" : ", ").append("{\"start\": \"").append(start).append("\", \"end\": \"")
                    .append(start + 4096).append("\", \"nr_accesses\": {\"samples\": 1, \"percent\": null},"
                            + " \"age\": {\"usec\": null, \"aggr_intervals\": \"3\"}, \"sz_filter_passed\": \"0\"}");
        }
        return sb.append("], \"total_bytes\": \"").append(regions * 4096L).append("\"}]}]").toString();
    }

    @Test
    void a_one_line_json_record_over_one_mib_is_told_and_replayed() throws IOException {
        String json = oneLineDamonJson(12_000);
        assertThat(json.length()).isGreaterThan(1 << 20);
        assertThat(json).doesNotContain("\n");
        Path f = dir.resolve("one-line.json");
        Files.writeString(f, json);
        assertThat(new TraceFile(f).detect()).isEqualTo(TraceKind.DAMON);
        // a pipe: told from the replay's own stream, then replayed from the same stream
        try (LineReader in = new LineReader(new ByteArrayInputStream(json.getBytes(StandardCharsets.ISO_8859_1)),
                "pipe")) {
            assertThat(in.detect()).isEqualTo(TraceKind.DAMON);
            assertThat(in.startsJson()).isTrue();
            List<String> got = new ArrayList<>();
            assertThat(new DamonJsonParser().replay(in, AccessSinkStub.of(got), Long.MAX_VALUE)).isEqualTo(12_000);
            assertThat(got.get(11_999)).isEqualTo("P " + Long.toHexString(0x7f0000000000L + 11_999 * 4096L));
        }
    }

    @Test
    void a_strace_line_longer_than_the_peek_is_told_by_its_beginning() {
        String line = "100 10:00:00.000001 execve(\"/bin/x\", [\"x\", \"" + "a".repeat(1 << 21) + "\"], 0x7ffc) = 0\n";
        LineReader in = new LineReader(new ByteArrayInputStream(line.getBytes(StandardCharsets.ISO_8859_1)), "s");
        assertThat(in.detect()).isEqualTo(TraceKind.STRACE);
        assertThat(in.next()).isEqualTo(line.substring(0, line.length() - 1)); // nothing was read away
    }

    private static long lackey(String text, long linesBefore) {
        return new LackeyParser(1).replay(new LineReader(new ByteArrayInputStream(
                text.getBytes(StandardCharsets.ISO_8859_1)), "t.trace", linesBefore), AccessSinkStub.of(new ArrayList<>()),
                Long.MAX_VALUE);
    }

    @Test
    void trailing_junk_on_a_lackey_line_is_an_error_with_file_and_line() {
        assertThat(lackey("I  04016f40,3\n S 1ffefffe28,8  \n", 0)).isEqualTo(2); // trailing spaces are fine
        assertThatThrownBy(() -> lackey("I  04016f40,3\n L 1234,8 junk\n", 0)).isInstanceOf(TraceFormatException.class)
                .hasMessageStartingWith("t.trace:2: expected the end of the lackey record after its size");
        assertThatThrownBy(() -> lackey(" M 1234,8,9\n", 0)).hasMessageStartingWith("t.trace:1:");
        assertThatThrownBy(() -> lackey(" I 1234,8\n", 0)).hasMessageStartingWith("t.trace:1: expected a lackey record");
        assertThatThrownBy(() -> lackey(" L 1234,12345678\n", 0)).hasMessageContaining("access size");
        assertThatThrownBy(() -> lackey(" L 12345678901234567,8\n", 0)).hasMessageContaining("'addr,size'");
        // the in-place fast path and the line-by-line path agree, also across buffer refills and CRLF
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            many.append(i % 3 == 0 ? "I  0401b8" + Integer.toHexString(16 + i % 200) + ",3\n"
                    : i % 3 == 1 ? " M 1ffefff" + Integer.toHexString(256 + i % 3000) + ",8\r\n" : "==5== x\n");
        }
        List<String> got = new ArrayList<>();
        long n = new LackeyParser(1).replay(new LineReader(new ByteArrayInputStream(
                many.toString().getBytes(StandardCharsets.ISO_8859_1)), "t"), AccessSinkStub.of(got), Long.MAX_VALUE);
        assertThat(n).isEqualTo(13_334);
        assertThat(got).hasSize(6_667 + 2 * 6_667);
        assertThat(got.get(1)).isEqualTo("R 1ffefff101 8");
        assertThat(got.get(2)).isEqualTo("W 1ffefff101 8");
    }

    @Test
    void line_numbers_past_two_to_the_31_are_kept() {
        long before = (1L << 31) + 4; // the lines a 10 GiB trace has before this one
        assertThatThrownBy(() -> lackey("I  04016f40,3\n L 1234,8 junk\n", before))
                .isInstanceOfSatisfying(TraceFormatException.class, e -> {
                    assertThat(e.traceLine()).isEqualTo((1L << 31) + 6);
                    assertThat(e.getMessage()).startsWith("t.trace:2147483654: expected the end of the lackey record");
                });
        LineReader in = new LineReader(new ByteArrayInputStream("100 10:00:00.000001 brk(NULL) = 0x1000\n".getBytes(
                StandardCharsets.ISO_8859_1)), "s", before);
        StraceEvent e = new StraceParser(in).next();
        assertThat(e.line()).isEqualTo((1L << 31) + 5);
        assertThat(new Mismatch("s", e.line(), "brk(NULL)", 1, 2).toString()).startsWith("s:2147483653: brk(NULL)");
    }
}
