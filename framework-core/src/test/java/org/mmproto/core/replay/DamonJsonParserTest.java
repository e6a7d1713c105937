package org.mmproto.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.RunSetup;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;

/**
 * damo's JSON records. The samples in src/test/resources/replay/ are written by hand in the
 * layout damo's record JSON has (a list of records with snapshots of regions; raw numbers as
 * strings, and a second snapshot in damo's human-readable form); no DAMON kernel was at hand.
 */
class DamonJsonParserTest {
    @TempDir
    Path dir;

    private static String resource(String name) throws IOException {
        try (InputStream in = DamonJsonParserTest.class.getResourceAsStream("/replay/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static List<String> replay(String json) {
        List<String> got = new ArrayList<>();
        AccessSink sink = new AccessSink() {
            @Override
            public void access(long addr, int size, boolean write, long ns) {
                throw new AssertionError("DAMON regions are replayed as populate()");
            }

            @Override
            public void populate(long addr, long ns) {
                got.add(Long.toHexString(addr) + "@" + ns);
            }
        };
        LineReader in = new LineReader(new ByteArrayInputStream(json.getBytes(StandardCharsets.US_ASCII)), "d.json");
        long n = new DamonJsonParser().replay(in, sink, Long.MAX_VALUE);
        assertThat(n).isEqualTo(got.size());
        return got;
    }

    @Test
    void a_record_replays_each_region_samples_passes_over_its_pages_spread_over_the_snapshot() throws IOException {
        assertThat(replay(resource("damon-record.json"))).containsExactly(
                // 8 KiB region, 2 samples over [539809000000, 539913599000]: one pass at half time, one at the end
                "7effe1857000@539861299500", "7effe1858000@539861299500",
                "7effe1857000@539913599000", "7effe1858000@539913599000", // (the 0-sample region: nothing)
                "7effe1857000@540018000000"); // one sample: at the end, "9 m 0.018 s", "139,637,465,378,816"
    }

    @Test
    void older_bare_counts_numbers_and_a_single_record_object_are_read_too() {
        assertThat(replay("{\"snapshots\": [{\"regions\": [{\"start\": 4096, \"end\": 8192, \"nr_accesses\": 3}],"
                + " \"end_time\": 7}]}")).containsExactly("1000@7", "1000@7", "1000@7");
    }

    @Test
    void a_malformed_record_is_an_error_naming_file_line_and_what_was_expected() throws IOException {
        assertThatThrownBy(() -> replay(resource("damon-malformed.json"))).isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("d.json:14").hasMessageContaining("expected ',' or ']' after a region")
                .hasMessageContaining("got begin object");
        assertThatThrownBy(() -> replay("[\n {\"snapshots\": [\n  {\"end_time\": \"1\", \"regions\": [\n"
                + "   {\"start\": \"8192\", \"end\": \"4096\", \"nr_accesses\": {\"samples\": 1}}]}]}]"))
                .hasMessageContaining("d.json:4").hasMessageContaining("end is above its start");
        assertThatThrownBy(() -> replay("[{\"snapshots\": [{\"end_time\": \"1\", \"regions\": [\n"
                + "{\"start\": \"4096\", \"end\": \"8192\"}]}]}]")).hasMessageContaining("d.json:2")
                .hasMessageContaining("\"nr_accesses\"");
        assertThatThrownBy(() -> replay("[{\"snapshots\": [{\"regions\": []}]}]")).hasMessageContaining("d.json:1")
                .hasMessageContaining("\"end_time\"");
        assertThatThrownBy(() -> replay("[{\"snapshots\": [{\"end_time\": \"soon\"}]}]"))
                .hasMessageContaining("104.599 ms");
        assertThatThrownBy(() -> replay("[{\"snapshots\": [{\"end_time\": 1, \"regions\": [{\"start\": \"0x10\"}]}]}]"))
                .hasMessageContaining("\"start\": an address (a non-negative integer)");
        assertThatThrownBy(() -> replay("[\n{\"snapshots\": [\n")).hasMessageContaining("d.json:2")
                .hasMessageContaining("got the end of the file");
        assertThatThrownBy(() -> replay("[{\"target_id\": nope}]")).hasMessageContaining("expected a JSON value, got 'nope'");
    }

    @Test
    void json_is_told_from_content_plain_or_zlib_compressed_and_replayed_by_a_scenario() throws IOException {
        String json = resource("damon-record.json");
        Path plain = dir.resolve("rec.json");
        Files.writeString(plain, json);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (DeflaterOutputStream o = new DeflaterOutputStream(z)) { // damo's json_compressed
            o.write(json.getBytes(StandardCharsets.US_ASCII));
        }
        Path zlib = dir.resolve("rec.data");
        Files.write(zlib, z.toByteArray());
        assertThat(new TraceFile(plain).detect()).isEqualTo(TraceKind.DAMON);
        assertThat(new TraceFile(zlib).detect()).isEqualTo(TraceKind.DAMON);
        String text = "name: t\nmachine: single\nthp: never\ntasks:\n  - {name: a, cpu: 0}\nsteps:\n"
                + "  - replay: {trace: rec.json, task: a}\n    expect: {records: 5, accesses: 5, stores: 2, segv: 0,"
                + " auto_mapped: 1}\n"
                + "  - replay: {trace: rec.data, task: a, kind: damon}\n    expect: {records: 5, stores: 0}\n";
        RunReport r = new ScenarioRunner(ScenarioParser.parse(text, dir.resolve("t.yaml").toString(), dir),
                RunSetup.builtIn()).run();
        assertThat(r.failedExpectations()).isZero();
        assertThat(r.steps().get(0).fields()).containsEntry("kind", "damon");
    }
}
