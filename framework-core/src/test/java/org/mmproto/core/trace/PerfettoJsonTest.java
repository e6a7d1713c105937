package org.mmproto.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.scenario.ScenarioFiles;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;

/**
 * The Perfetto output of a traced run parsed back and checked against the trace-event format:
 * a traceEvents array; every event a known phase with name, numeric ts, integer pid and tid;
 * B/E slices balanced per thread; every track used named by process_name metadata; a track per
 * node and per task; counters of node usage; decisions as instant events.
 */
class PerfettoJsonTest {
    private static final Set<String> PHASES = Set.of("B", "E", "i", "C", "M");

    @Test
    void a_traced_run_is_valid_trace_event_json() throws Exception {
        StringWriter out = new StringWriter();
        PerfettoJson sink = new PerfettoJson(out);
        Tracer tracer = new Tracer(EventFilter.ALL, sink);
        new ScenarioRunner(ScenarioParser.parse(ScenarioFiles.resolve("private-node-audit")))
                .instrument(tracer, FaultInjector.OFF).run();
        sink.close();

        JsonNode root = new ObjectMapper().readTree(out.toString());
        JsonNode events = root.get("traceEvents");
        assertThat(events.isArray()).isTrue();
        Map<String, Integer> depth = new HashMap<>();
        Set<Integer> namedPids = new HashSet<>();
        Set<Integer> usedPids = new HashSet<>();
        Set<String> processNames = new HashSet<>();
        int counters = 0;
        int decisions = 0;
        double lastTs = -1;
        for (JsonNode e : events) {
            String ph = e.get("ph").asText();
            assertThat(PHASES).as(e.toString()).contains(ph);
            assertThat(e.get("name").isTextual()).as(e.toString()).isTrue();
            assertThat(e.get("pid").isInt() && e.get("tid").isInt()).as(e.toString()).isTrue();
            if (ph.equals("M")) {
                assertThat(e.get("args").get("name").isTextual()).isTrue();
                if (e.get("name").asText().equals("process_name")) {
                    namedPids.add(e.get("pid").asInt());
                    processNames.add(e.get("args").get("name").asText());
                }
                continue;
            }
            assertThat(e.get("ts").isNumber()).as(e.toString()).isTrue();
            assertThat(e.get("ts").asDouble()).as("ts never goes back").isGreaterThanOrEqualTo(lastTs);
            lastTs = e.get("ts").asDouble();
            usedPids.add(e.get("pid").asInt());
            String thread = e.get("pid").asInt() + "/" + e.get("tid").asInt();
            switch (ph) {
                case "B" -> depth.merge(thread, 1, Integer::sum);
                case "E" -> {
                    assertThat(depth.getOrDefault(thread, 0)).as("E without B on " + thread).isPositive();
                    depth.merge(thread, -1, Integer::sum);
                }
                case "C" -> {
                    counters++;
                    assertThat(e.get("args").get("pages").isNumber()).isTrue();
                }
                case "i" -> {
                    assertThat(e.get("s").asText()).isIn("t", "p", "g");
                    if (e.get("cat").asText().equals("private")) {
                        decisions++;
                        assertThat(e.get("args").get("design").asText()).isNotBlank();
                    }
                }
                default -> { }
            }
        }
        assertThat(depth.values()).as("every slice ended").allMatch(d -> d == 0);
        assertThat(namedPids).as("every track named").containsAll(usedPids);
        assertThat(processNames).contains("node 0", "node 2").anyMatch(n -> n.matches("\\w+-\\d+") && !n.startsWith("node"));
        assertThat(counters).isPositive();
        assertThat(decisions).isPositive();
    }
}
