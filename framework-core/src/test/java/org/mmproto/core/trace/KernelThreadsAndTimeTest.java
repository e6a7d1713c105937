package org.mmproto.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.driver.NpOps;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.hooks.RecordingDriver;
import org.mmproto.core.scenario.RunSetup;
import org.mmproto.core.scenario.Scenario;
import org.mmproto.core.scenario.ScenarioFiles;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;

/**
 * Kernel threads' events carry the kernel's comm-pid (kswapd0, kcompactd2, khugepaged), in the
 * ftrace text and as Perfetto threads; the timestamps are the ticks' simulated time, monotonic.
 */
class KernelThreadsAndTimeTest {
    private static List<FtraceText.Line> trace(Scenario s, RunSetup setup) {
        StringWriter text = new StringWriter();
        Tracer tracer = new Tracer(EventFilter.ALL, new FtraceText(text));
        new ScenarioRunner(s, setup).instrument(tracer, FaultInjector.OFF).run();
        return text.toString().lines().map(FtraceText::parse).filter(l -> l != null).toList();
    }

    private static Scenario reclaimSwap() throws Exception {
        Path file = ScenarioFiles.resolve("reclaim-swap");
        String yaml = Files.readString(file).replace("drivers:\n  - {plugin: cxl-mempolicy, node: 2}\n", "")
                .replace("machine: private-normal", "machine: private-normal\ndesign: unpatched");
        return ScenarioParser.parse(yaml, "reclaim-swap.yaml", file.getParent());
    }

    @Test
    void kswapd_runs_as_kswapd0_and_its_time_is_the_ticks() throws Exception {
        List<FtraceText.Line> lines = trace(reclaimSwap(), RunSetup.builtIn());
        List<FtraceText.Line> wakes = lines.stream().filter(l -> l.event().equals("mm_vmscan_kswapd_wake")).toList();
        assertThat(wakes).isNotEmpty().allSatisfy(l -> {
            assertThat(l.comm()).isEqualTo("kswapd0");
            assertThat(l.pid()).isEqualTo(50);
        });
        // the scenario ticks 100 ms twice: kswapd runs at 0.1 s and 0.2 s of simulated time
        assertThat(wakes.stream().map(FtraceText.Line::timeUs).distinct()).containsExactly(100_000L, 200_000L);
        long last = -1;
        for (FtraceText.Line l : lines) {
            assertThat(l.timeUs()).as("monotonic").isGreaterThanOrEqualTo(last);
            last = l.timeUs();
        }
        assertThat(lines.get(0).timeUs()).isZero();
        assertThat(lines.stream().filter(l -> l.comm().equals("a")).map(l -> l.pid()).distinct())
                .containsExactly(100);
    }

    @Test
    void without_ticks_each_event_is_event_ns_after_the_last() {
        List<TraceEvent> events = new java.util.ArrayList<>();
        Tracer tracer = new Tracer(EventFilter.ALL, events::add);
        new ScenarioRunner(ScenarioParser.parse(ScenarioFiles.resolve("mbind")), RunSetup.builtIn())
                .instrument(tracer, FaultInjector.OFF).run();
        assertThat(events).hasSizeGreaterThan(100);
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).timeNs()).as("event %d", i).isEqualTo(i * Tracer.EVENT_NS);
        }
    }

    @Test
    void with_ticks_time_is_strictly_monotonic_and_ticks_on_their_boundaries() throws Exception {
        List<TraceEvent> events = new java.util.ArrayList<>();
        Tracer tracer = new Tracer(EventFilter.ALL, events::add);
        new ScenarioRunner(reclaimSwap(), RunSetup.builtIn()).instrument(tracer, FaultInjector.OFF).run();
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).timeNs()).as("event %d", i).isGreaterThan(events.get(i - 1).timeNs());
        }
        assertThat(events.stream().filter(e -> e.point() == Tracepoint.MM_VMSCAN_KSWAPD_WAKE).map(TraceEvent::timeNs))
                .containsExactly(100_000_000L, 200_000_000L);
    }

    @Test
    void khugepaged_and_kcompactd_run_as_themselves() {
        List<FtraceText.Line> k = trace(ScenarioParser.parse(ScenarioFiles.resolve("khugepaged")), RunSetup.builtIn());
        assertThat(k).filteredOn(l -> l.comm().equals("khugepaged")).isNotEmpty()
                .allSatisfy(l -> assertThat(l.pid()).isEqualTo(40));

        RunSetup probe = RunSetup.builtIn().withDrivers(Map.of("opt-in-probe",
                () -> RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY, NpOps.NP_OPS_COMPACTION)));
        List<FtraceText.Line> c = trace(ScenarioParser.parse(ScenarioFiles.resolve("matrix-compaction")), probe);
        assertThat(c).filteredOn(l -> l.event().equals("mm_compaction_begin") && l.comm().equals("kcompactd2"))
                .isNotEmpty().allSatisfy(l -> assertThat(l.pid()).isEqualTo(72));
    }

    @Test
    void perfetto_names_the_kernel_threads_tracks() throws Exception {
        StringWriter json = new StringWriter();
        PerfettoJson sink = new PerfettoJson(json);
        Tracer tracer = new Tracer(EventFilter.parse("vmscan"), sink);
        new ScenarioRunner(reclaimSwap(), RunSetup.builtIn()).instrument(tracer, FaultInjector.OFF).run();
        sink.close();
        JsonNode events = new ObjectMapper().readTree(json.toString()).get("traceEvents");
        Set<String> threads = new HashSet<>();
        for (JsonNode e : events) {
            if (e.get("name").asText().equals("thread_name")) {
                threads.add(e.get("args").get("name").asText() + "@" + e.get("tid").asInt());
            }
        }
        assertThat(threads).contains("kswapd0-50@50");
        assertThat(events).filteredOn(e -> e.get("name").asText().equals("mm_vmscan_kswapd_wake"))
                .isNotEmpty().allSatisfy(e -> {
                    assertThat(e.get("tid").asInt()).isEqualTo(50);
                    assertThat(e.get("ts").asDouble()).isIn(100_000.0, 200_000.0);
                });
    }
}
