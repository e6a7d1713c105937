package org.mmproto.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.core.report.JsonReporter;

/** The JSON report: the fixed keys other tools read, and byte-for-byte determinism. */
class JsonReportTest {
    private static JsonNode json(RunReport r) throws Exception {
        return new ObjectMapper().readTree(JsonReporter.render(r));
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void the_fixed_keys_are_there_with_their_types() throws Exception {
        String body = """
                thp: never
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: buf, length: 64KiB}
                  - touch: {task: a, addr: buf}
                    expect: {vmstat_step: {pgfault: 16}}
                  - touch: {task: a, addr: buf+64KiB, length: 4KiB}
                    expect: EFAULT
                  - alloc_pages: {gfp: GFP_KERNEL, nid: each, name: k}
                    expect: {landed: [0, 1, 5]}
                  - check: {}
                """;
        JsonNode j = json(new ScenarioRunner(ScenarioParserTest.parse(body)).run());
        assertThat(fields(j)).containsSubsequence("scenario", "steps", "expectations", "invariants", "vmstat",
                "vmstat_delta", "nodes");
        assertThat(j.get("passed").asBoolean()).isFalse();

        JsonNode vmstat = j.get("vmstat");
        assertThat(vmstat.isObject()).isTrue();
        assertThat(vmstat.get("nr_free_pages").isIntegralNumber()).isTrue();
        assertThat(vmstat.get("pgfault").asLong()).isEqualTo(16);
        assertThat(j.get("vmstat_delta").get("pgfault").asLong()).isEqualTo(16);
        assertThat(fields(j.get("vmstat_delta"))).isEqualTo(fields(vmstat));

        JsonNode nodes = j.get("nodes");
        assertThat(nodes).hasSize(3);
        assertThat(fields(nodes.get(0))).startsWith("nid", "total_pages", "free_pages", "pcp_pages", "used_pages",
                "used_pages_delta");
        JsonNode n0 = nodes.get(0);
        assertThat(n0.get("used_pages").asLong()).isEqualTo(
                n0.get("total_pages").asLong() - n0.get("free_pages").asLong() - n0.get("pcp_pages").asLong());
        assertThat(nodes.get(2).get("nid").asInt()).isEqualTo(2);
        assertThat(nodes.get(0).get("total_pages").asLong()).isEqualTo(16384);

        JsonNode steps = j.get("steps");
        assertThat(steps).hasSize(5);
        for (JsonNode s : steps) {
            assertThat(fields(s)).startsWith("line", "op", "result");
        }
        assertThat(steps.get(0).get("op").asText()).isEqualTo("mmap");
        assertThat(steps.get(0).get("result").asText()).isEqualTo("ok");
        assertThat(steps.get(0).get("addr").asText()).startsWith("0x7eff");
        assertThat(steps.get(2).get("result").asText()).isEqualTo("EFAULT");
        assertThat(steps.get(2).get("value").asLong()).isEqualTo(-14);
        assertThat(steps.get(3).get("landed").toString()).isEqualTo("[0,1,2]");
        assertThat(steps.get(4).get("op").asText()).isEqualTo("check");

        JsonNode ex = j.get("expectations");
        assertThat(ex).hasSize(3);
        for (JsonNode e : ex) {
            assertThat(fields(e)).startsWith("line", "passed", "detail");
        }
        assertThat(ex.get(2).get("passed").asBoolean()).isFalse();
        assertThat(ex.get(2).get("line").asInt()).isEqualTo(steps.get(3).get("line").asInt());
        assertThat(ex.get(2).get("detail").asText()).isEqualTo("alloc_pages landed: expected [0, 1, 5], got [0, 1, 2]");

        assertThat(j.get("invariants").isArray()).isTrue();
        assertThat(j.get("invariants")).isEmpty();
    }

    @Test
    void the_same_seed_prints_the_same_json_and_another_seed_another() {
        String body = """
                thp: always
                tasks: [{name: a}]
                steps:
                  - mmap: {task: a, name: heap, length: 16MiB}
                  - repeat: {times: 4000, workload: touch_free, task: a, addr: heap}
                  - repeat: {times: 4000, workload: working_set, task: a, addr: heap, working_set: 1MiB}
                  - repeat: {times: 2000, workload: alloc_free, gfp: GFP_KERNEL, nid: random, name: k}
                """;
        Scenario s = ScenarioParserTest.parse(body);
        String a = JsonReporter.render(new ScenarioRunner(s).run());
        String b = JsonReporter.render(new ScenarioRunner(ScenarioParserTest.parse(body)).run());
        String c = JsonReporter.render(new ScenarioRunner(s.withSeed(2)).run());
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(a).endsWith("}\n");
    }
}
