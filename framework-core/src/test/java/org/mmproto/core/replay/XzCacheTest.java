package org.mmproto.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** An xz trace is decoded once per JVM: later readers take the decoded prefix; a changed file is decoded again. */
class XzCacheTest {
    @TempDir
    Path dir;

    @AfterEach
    void restoreCap() {
        XzCache.cap = XzCache.CAP;
    }

    private static Path xz(Path p, String prefix, int lines) throws IOException {
        try (OutputStream out = new XZOutputStream(Files.newOutputStream(p), new LZMA2Options(1))) {
            for (int i = 0; i < lines; i++) {
                out.write((prefix + " " + i + "\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return p;
    }

    private static List<String> read(Path p, int max) {
        List<String> lines = new ArrayList<>();
        try (LineReader r = new TraceFile(p).open()) {
            String s;
            while (lines.size() < max && (s = r.next()) != null) {
                lines.add(s);
            }
        }
        return lines;
    }

    @Test
    void a_second_reader_of_the_same_file_decodes_nothing_and_reads_the_same_lines() throws IOException {
        Path p = xz(dir.resolve("t.xz"), " I  04022f40,8", 50_000);
        int before = XzCache.decoders;
        List<String> first = read(p, 20_000);
        assertThat(XzCache.decoders - before).isEqualTo(1);
        List<String> second = read(p, 20_000);
        assertThat(second).isEqualTo(first).hasSize(20_000);
        assertThat(XzCache.decoders - before).as("the prefix was enough").isEqualTo(1);
        // a reader that goes further extends the same decoder's prefix, to the end
        List<String> all = read(p, Integer.MAX_VALUE);
        assertThat(all).hasSize(50_000).startsWith(first.toArray(String[]::new));
        assertThat(all.get(49_999)).isEqualTo(" I  04022f40,8 49999");
        assertThat(XzCache.decoders - before).isEqualTo(1);
    }

    @Test
    void a_changed_file_is_decoded_afresh() throws IOException {
        Path p = xz(dir.resolve("c.xz"), "old", 1000);
        assertThat(read(p, 1)).containsExactly("old 0");
        xz(p, "new", 1000);
        Files.setLastModifiedTime(p, FileTime.fromMillis(Files.getLastModifiedTime(p).toMillis() + 5000));
        assertThat(read(p, 1)).containsExactly("new 0");
    }

    @Test
    void a_reader_past_a_full_prefix_decodes_the_rest_on_its_own() throws IOException {
        XzCache.cap = XzCache.CHUNK; // one chunk kept
        Path p = xz(dir.resolve("big.xz"), "line", 40_000);
        int before = XzCache.decoders;
        List<String> all = read(p, Integer.MAX_VALUE);
        assertThat(all).hasSize(40_000);
        for (int i = 0; i < all.size(); i += 997) {
            assertThat(all.get(i)).isEqualTo("line " + i);
        }
        assertThat(XzCache.decoders - before).as("the shared decoder, then the reader's own").isEqualTo(2);
        assertThat(read(p, 40_000)).isEqualTo(all);
    }
}
