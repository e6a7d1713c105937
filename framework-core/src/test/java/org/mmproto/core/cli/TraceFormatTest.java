package org.mmproto.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.core.testkit.CliCapture;
import org.mmproto.core.trace.FtraceText;

/** --trace's format: by the file's extension (.json Perfetto, anything else ftrace text), or --trace-format. */
class TraceFormatTest {
    private static void assertFtrace(Path f) throws Exception {
        String text = Files.readString(f);
        assertThat(text).startsWith("# tracer: nop\n");
        long events = text.lines().map(FtraceText::parse).filter(l -> l != null).count();
        assertThat(events).isPositive();
    }

    private static void assertPerfetto(Path f) throws Exception {
        JsonNode root = new ObjectMapper().readTree(f.toFile());
        assertThat(root.get("traceEvents").isArray()).isTrue();
        assertThat(root.get("traceEvents").size()).isPositive();
    }

    private static CliCapture.Run run(String... args) {
        CliCapture.Run r = CliCapture.run(args);
        assertThat(r.status()).as(r.err()).isZero();
        return r;
    }

    @Test
    void the_extension_chooses(@TempDir Path dir) throws Exception {
        run("run", "mbind", "--trace", dir.resolve("a.txt").toString());
        assertFtrace(dir.resolve("a.txt"));
        run("run", "mbind", "--trace", dir.resolve("a.json").toString());
        assertPerfetto(dir.resolve("a.json"));
        run("run", "mbind", "--trace", dir.resolve("a.trace").toString());
        assertFtrace(dir.resolve("a.trace"));
    }

    @Test
    void trace_format_wins_over_the_extension(@TempDir Path dir) throws Exception {
        run("run", "mbind", "--trace", dir.resolve("b.txt").toString(), "--trace-format", "perfetto");
        assertPerfetto(dir.resolve("b.txt"));
        run("run", "mbind", "--trace", dir.resolve("b.json").toString(), "--trace-format", "ftrace");
        assertFtrace(dir.resolve("b.json"));
    }

    @Test
    void a_bad_format_or_a_format_without_a_file_exits_2(@TempDir Path dir) {
        CliCapture.Run bad = CliCapture.run("run", "mbind", "--trace", dir.resolve("c.txt").toString(),
                "--trace-format", "pcap");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("expected ftrace or perfetto");
        assertThat(dir.resolve("c.txt")).as("no file for a bad format").doesNotExist();
        CliCapture.Run none = CliCapture.run("run", "mbind", "--trace-format", "ftrace");
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("need --trace FILE");
    }
}
