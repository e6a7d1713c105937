package org.mmproto.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** The trace readers on small inputs written here (synthetic, in the documented formats). */
class ReplayParsersTest {
    @TempDir
    Path dir;

    private static LineReader lines(String text) {
        return new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), "t.trace");
    }

    private static List<StraceEvent> strace(String text) {
        StraceParser p = new StraceParser(lines(text));
        List<StraceEvent> out = new ArrayList<>();
        StraceEvent e;
        while ((e = p.next()) != null) {
            out.add(e);
        }
        return out;
    }

    @Test
    void strace_joins_unfinished_and_resumed_per_pid_and_reads_returns() {
        List<StraceEvent> ev = strace("""
                5977  13:31:44.569169 mmap(NULL, 258, PROT_READ, MAP_PRIVATE, 3, 0 <unfinished ...>
                5978  13:31:44.569200 brk(NULL <unfinished ...>
                5977  13:31:44.569213 <... mmap resumed>) = 0x7f7ae2f6a000
                5978  13:31:44.569227 <... brk resumed>) = 0x55d0c000
                5976  13:31:44.604189 wait4(-1, 0x7ffc6d16fe6c, WNOHANG, NULL) = -1 ECHILD (No child processes)
                5976  13:31:44.604300 --- SIGCHLD {si_signo=SIGCHLD} ---
                5976  13:31:44.604279 exit_group(0)     = ?
                5976  13:31:44.604418 +++ exited with 0 +++
                """);
        assertThat(ev).hasSize(5);
        var mmap = (StraceEvent.Call) ev.get(0);
        assertThat(mmap.name()).isEqualTo("mmap");
        assertThat(mmap.pid()).isEqualTo(5977);
        assertThat(mmap.line()).isEqualTo(3);
        assertThat(mmap.args()).containsExactly("NULL", "258", "PROT_READ", "MAP_PRIVATE", "3", "0");
        assertThat(mmap.ret()).isEqualTo(0x7f7ae2f6a000L);
        assertThat(mmap.timeUs()).isEqualTo(44);
        assertThat(((StraceEvent.Call) ev.get(1)).ret()).isEqualTo(0x55d0c000L);
        var wait = (StraceEvent.Call) ev.get(2);
        assertThat(wait.ret()).isEqualTo(-10);
        assertThat(wait.errno()).isEqualTo("ECHILD");
        assertThat(((StraceEvent.Call) ev.get(3)).noReturn()).isTrue();
        assertThat(ev.get(4)).isInstanceOf(StraceEvent.Exited.class);
    }

    @Test
    void strace_errors_name_file_line_and_what_was_expected() {
        assertThatThrownBy(() -> strace("1 10:00:00.0 brk(NULL) = 0x1000\n2 10:00:00.1 garbage here\n"))
                .hasMessageContaining("t.trace:2").hasMessageContaining("name(args) = result");
        assertThatThrownBy(() -> strace("7 10:00:00.0 <... mmap resumed>) = 0\n"))
                .hasMessageContaining("t.trace:1").hasMessageContaining("no 'mmap(... <unfinished ...>'");
        assertThatThrownBy(() -> strace("7 10:00:00.0 brk(NULL) = zz\n"))
                .hasMessageContaining("t.trace:1").hasMessageContaining("a return value");
        assertThatThrownBy(() -> strace("7 10:00:00.0 brk(NULL) = -1 ENOTANERRNO (x)\n"))
                .hasMessageContaining("t.trace:1").hasMessageContaining("errno name");
        assertThatThrownBy(() -> strace("7 10:00:00.0 brk(NULL\n"))
                .hasMessageContaining("t.trace:1").hasMessageContaining("')' closing");
        assertThatThrownBy(() -> strace("7 10:00:00.0 brk(NULL) 0\n"))
                .hasMessageContaining("t.trace:1").hasMessageContaining("' = result'");
        assertThatThrownBy(() -> strace("7 1x:00 brk(NULL) = 0\n"))
                .hasMessageContaining("t.trace:1").hasMessageContaining("HH:MM:SS");
        assertThatThrownBy(() -> strace("7 10:00:00.0 mmap(NULL <unfinished ...>\n7 10:00:00.1 brk(NULL <unfinished ...>\n"))
                .hasMessageContaining("t.trace:2").hasMessageContaining("line 1 is not resumed");
    }

    /** Collects what a parser hands the replayer, by replaying onto a recording stand-in. */
    private static final class Recorded {
        final List<String> accesses = new ArrayList<>();
    }

    private static Recorded lackey(String text) {
        Recorded r = new Recorded();
        new LackeyParser(1).replay(lines(text), AccessSinkStub.of(r.accesses), Long.MAX_VALUE);
        return r;
    }

    @Test
    void lackey_reads_every_record_kind_and_skips_valgrind_messages() {
        Recorded r = lackey("==5972== Lackey, an example Valgrind tool\nI  04016f40,3\n L 1ffefffa08,8\n S 04a2c0f8,8\n"
                + " M 04a2c0f0,4\n==5972== Exit code:       0\n");
        assertThat(r.accesses).containsExactly("R 4016f40 3", "R 1ffefffa08 8", "W 4a2c0f8 8", "R 4a2c0f0 4",
                "W 4a2c0f0 4");
    }

    @Test
    void lackey_errors_name_file_line() {
        assertThatThrownBy(() -> lackey("I  04016f40,3\n X 1234,8\n")).hasMessageContaining("t.trace:2")
                .hasMessageContaining("a lackey record");
        assertThatThrownBy(() -> lackey(" L 12g4,8\n")).hasMessageContaining("t.trace:1").hasMessageContaining("hex address");
        assertThatThrownBy(() -> lackey(" L 1234\n")).hasMessageContaining("t.trace:1").hasMessageContaining("'addr,size'");
        assertThatThrownBy(() -> lackey(" L 1234,\n")).hasMessageContaining("t.trace:1").hasMessageContaining("access size");
        assertThatThrownBy(() -> lackey(" L 1234,8x\n")).hasMessageContaining("t.trace:1").hasMessageContaining("access size");
    }

    @Test
    void perf_script_samples_and_their_errors() {
        List<String> got = new ArrayList<>();
        new PerfParser().replay(lines("""
                # synthetic: perf script -F comm,pid,tid,cpu,time,event,addr,ip,sym layout
                  sort  4242/4242 [001] 12345.000100:      10007 cpu/mem-loads,ldlat=30/P: 7ffc1234abcd  55d0aa sort_lines
                  sort  4242/4242 [001] 12345.000200: cpu/mem-stores/P: 55d0c0001000  55d0ab sort_lines
                """), AccessSinkStub.of(got), Long.MAX_VALUE);
        assertThat(got).containsExactly("R 7ffc1234abcd 1", "W 55d0c0001000 1");
        assertThatThrownBy(() -> new PerfParser().replay(lines("sort 1 [0] no time here\n"), AccessSinkStub.of(got), 9))
                .hasMessageContaining("t.trace:1").hasMessageContaining("perf script sample");
        assertThatThrownBy(() -> new PerfParser().replay(lines("sort 1 [0] 1.5: ev: zzz\n"), AccessSinkStub.of(got), 9))
                .hasMessageContaining("t.trace:1").hasMessageContaining("hex data address");
    }

    @Test
    void perf_mem_report_raw_samples_store_by_the_data_source_and_their_errors() {
        List<String> got = new ArrayList<>();
        // synthetic, in perf mem report -D's layout (plain, --phys-data --data-page-size, and -x ,)
        new PerfParser().replay(lines("""
                # PID, TID, IP, ADDR, LOCAL WEIGHT, DSRC, SYMBOL
                 4242  4242 0x55d0aa1234 0x7ffc1234abcd   172 0x68100142 /usr/bin/sort:sort_lines
                 4242  4242 0x55d0aa1240 0x55d0c0001000     0 0x5080144 /usr/bin/sort:sort_lines
                 4242  4242 0x55d0aa1240 0x55d0c0002000 0x000000044e96a308 4K     0 0x5080144 ???:???
                4242,4242,0x55d0aa1250,0x55d0c0003008,35,0x68100142,/usr/bin/sort:main
                """), AccessSinkStub.of(got), Long.MAX_VALUE);
        assertThat(got).containsExactly("R 7ffc1234abcd 1", "W 55d0c0001000 1", "W 55d0c0002000 1", "R 55d0c0003008 1");
        assertThatThrownBy(() -> new PerfParser().replay(lines(" 1 1 0x10 0x20 0x30\n"), AccessSinkStub.of(got), 9))
                .hasMessageContaining("t.trace:1").hasMessageContaining("perf mem report -D sample");
        assertThat(TraceKind.of("# PID, TID, IP, ADDR, LOCAL WEIGHT, DSRC, SYMBOL")).isEqualTo(TraceKind.PERF);
    }

    @Test
    void damon_regions_replay_nr_accesses_passes_and_errors() {
        List<String> got = new ArrayList<>();
        // synthetic input in damo report raw's layout (no DAMON record could be made here)
        String text = """
                base_time_absolute: 8 m 59.809 s

                monitoring_start:                0 ns
                monitoring_end:            104.599 ms
                monitoring_duration:       104.599 ms
                target_id: 0
                nr_regions: 2
                7f0000000000-7f0000002000(   8.000 KiB):        2
                7f0000100000-7f0000101000(   4.000 KiB):        0
                """;
        long n = new DamonParser().replay(lines(text), AccessSinkStub.of(got), Long.MAX_VALUE);
        assertThat(n).isEqualTo(4); // 2 pages x 2 passes; the cold region is not touched
        assertThat(got).hasSize(4);
        assertThatThrownBy(() -> new DamonParser().replay(lines("nr_regions: 2\n7f00-7f10( 4 KiB): 1\nmonitoring_start: 0 ns\n"),
                AccessSinkStub.of(got), Long.MAX_VALUE)).hasMessageContaining("t.trace:1")
                .hasMessageContaining("nr_regions: 2 but 1 region lines");
        assertThatThrownBy(() -> new DamonParser().replay(lines("what is this\n"), AccessSinkStub.of(got), 9))
                .hasMessageContaining("t.trace:1").hasMessageContaining("damo report raw line");
        assertThatThrownBy(() -> new DamonParser().replay(lines("monitoring_end: soon\n"), AccessSinkStub.of(got), 9))
                .hasMessageContaining("t.trace:1").hasMessageContaining("104.599 ms");
        assertThatThrownBy(() -> new DamonParser().replay(lines("7f10-7f00( 4 KiB): 1\n"), AccessSinkStub.of(got), 9))
                .hasMessageContaining("t.trace:1").hasMessageContaining("end is above");
    }

    @Test
    void files_open_plain_gzip_and_xz_by_magic_and_kind_is_told_by_content() throws IOException {
        String text = "==1== Lackey, an example Valgrind tool\nI  04016f40,3\n";
        Path plain = dir.resolve("a.txt");
        Files.writeString(plain, text);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream o = new GZIPOutputStream(gz)) {
            o.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        Path g = dir.resolve("b.trace"); // no .gz name: the magic tells
        Files.write(g, gz.toByteArray());
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (XZOutputStream o = new XZOutputStream(xz, new LZMA2Options())) {
            o.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        Path x = dir.resolve("c.trace");
        Files.write(x, xz.toByteArray());
        for (Path p : List.of(plain, g, x)) {
            assertThat(new TraceFile(p).detect()).as(p.toString()).isEqualTo(TraceKind.LACKEY);
            try (LineReader r = new TraceFile(p).open()) {
                r.next();
                assertThat(r.next()).isEqualTo("I  04016f40,3");
                assertThat(r.line()).isEqualTo(2);
            }
        }
        Path s = dir.resolve("s");
        Files.writeString(s, "5883  13:31:38.874344 brk(NULL) = 0x1000\n");
        assertThat(new TraceFile(s).detect()).isEqualTo(TraceKind.STRACE);
        Path d = dir.resolve("d");
        Files.writeString(d, "\nmonitoring_start: 0 ns\n");
        assertThat(new TraceFile(d).detect()).isEqualTo(TraceKind.DAMON);
        Path p = dir.resolve("p");
        Files.writeString(p, "  sort  4242/4242 [001] 12345.000100: cpu/mem-loads/P: 7ffc1234abcd\n");
        assertThat(new TraceFile(p).detect()).isEqualTo(TraceKind.PERF);
        Path bad = dir.resolve("bad");
        Files.writeString(bad, "hello\nworld\n");
        assertThatThrownBy(() -> new TraceFile(bad).detect()).hasMessageContaining("cannot tell the trace kind");
        assertThatThrownBy(() -> new TraceFile(dir.resolve("none")).open()).hasMessageContaining("no such trace file");
    }
}
