package org.mmproto.core.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.mmproto.core.config.ConfigException;

class NumactlHardwareParserTest {
    private static final long MiB = 1L << 20;

    static String resource(String name) {
        try (InputStream in = NumactlHardwareParserTest.class.getResourceAsStream("/numactl/" + name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static MachineSpec parse(String text) {
        return NumactlHardwareParser.parse(text, "hw.txt");
    }

    private static ConfigException rejects(String text) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(text));
        assertThat(e).as("expected a ConfigException for:%n%s", text).isNotNull();
        assertThat(e.file()).isEqualTo("hw.txt");
        return e;
    }

    private static final String TWO_NODE = """
            available: 2 nodes (0-1)
            node 0 cpus: 0 1 2 3
            node 0 size: 15954 MB
            node 0 free: 12010 MB
            node 1 cpus: 4 5 6 7
            node 1 size: 16125 MB
            node 1 free: 15870 MB
            node distances:
            node   0   1\s
              0:  10  20\s
              1:  20  10\s
            """;

    @Test
    void parsesTheTwoNodeSpecExampleInTheWidth3Layout() {
        MachineSpec m = parse(resource("two-node-2.0.16.txt"));
        assertThat(m.name()).isEqualTo("numactl");
        assertThat(m.source()).isEqualTo("hw.txt");
        assertThat(m.nodeCount()).isEqualTo(2);
        NodeSpec n0 = m.nodes().get(0);
        assertThat(n0.cpus()).containsExactly(0, 1, 2, 3);
        assertThat(n0.sizeBytes()).isEqualTo(15954 * MiB);
        assertThat(n0.line()).isEqualTo(2);
        NodeSpec n1 = m.nodes().get(1);
        assertThat(n1.cpus()).as("an empty cpu list is a CPU-less node").isEmpty();
        assertThat(n1.sizeBytes()).isEqualTo(16125 * MiB);
        assertThat(n1.line()).isEqualTo(5);
        assertThat(m.distance()).isDeepEqualTo(new int[][] {{10, 20}, {20, 10}});
        assertThat(m.vm()).usingRecursiveComparison().isEqualTo(VmTunables.defaults());
        for (NodeSpec n : m.nodes()) {
            assertThat(n.isPrivate()).isFalse();
            assertThat(n.movableBytes()).isZero();
            assertThat(n.startAddress()).isEmpty();
        }
    }

    @Test
    void parsesAFourNodeCxlMachineInTheWidth4Layout() {
        String text = resource("four-node-cxl-2.0.19.txt");
        assertThat(text).contains("node     0    1    2    3 ").contains("   0:   10   21");
        MachineSpec m = parse(text);
        assertThat(m.nodeCount()).isEqualTo(4);
        assertThat(m.nodes().get(0).cpus()).containsExactlyElementsOf(
                IntStream.concat(IntStream.range(0, 16), IntStream.range(32, 48)).boxed().toList());
        assertThat(m.nodes().get(1).cpus()).hasSize(32).contains(16, 31, 48, 63);
        assertThat(m.nodes().get(2).cpus()).isEmpty();
        assertThat(m.nodes().get(3).sizeBytes()).isEqualTo(131072 * MiB);
        assertThat(m.distance()).isDeepEqualTo(new int[][] {
                {10, 21, 14, 24}, {21, 10, 24, 14}, {14, 24, 10, 26}, {24, 14, 26, 10}});
    }

    @Test
    void acceptsAnAsymmetricTableAndAMemorylessNode() {
        MachineSpec m = parse(resource("four-node-asymmetric-2.0.16.txt"));
        assertThat(m.distance(0, 2)).isEqualTo(28);
        assertThat(m.distance(2, 0)).isEqualTo(30);
        NodeSpec memoryless = m.nodes().get(3);
        assertThat(memoryless.sizeBytes()).as("<not available> is memoryless").isZero();
        assertThat(memoryless.cpus()).containsExactly(8, 9);
    }

    @Test
    void bothLayoutsOfTheSameMachineParseAlike() {
        String width3 = TWO_NODE;
        String width4 = TWO_NODE.replace("node   0   1 ", "node     0    1 ")
                .replace("  0:  10  20 ", "   0:   10   20 ")
                .replace("  1:  20  10 ", "   1:   20   10 ");
        assertThat(width4).isNotEqualTo(width3);
        MachineSpec a = parse(width3);
        MachineSpec b = parse(width4);
        assertThat(b.distance()).isDeepEqualTo(a.distance());
        assertThat(b.nodes()).isEqualTo(a.nodes());
    }

    @Test
    void readsCompressedCpuListsAndChecksTheirCount() {
        MachineSpec m = parse(TWO_NODE.replace("node 0 cpus: 0 1 2 3", "node 0 cpus: 0-1, 3 (3)")
                .replace("node 1 cpus: 4 5 6 7", "node 1 cpus: (0)"));
        assertThat(m.nodes().get(0).cpus()).containsExactly(0, 1, 3);
        assertThat(m.nodes().get(1).cpus()).isEmpty();
        ConfigException e = rejects(TWO_NODE.replace("node 0 cpus: 0 1 2 3",
                "node 0 cpus: 0-3 (5)"));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.detail()).contains("cpu count (5) does not match the 4 cpus");
    }

    @Test
    void missingDistanceInformationGivesTheDefaultTable() {
        String text = TWO_NODE.substring(0, TWO_NODE.indexOf("node distances:"))
                + "No distance information available.\n";
        MachineSpec m = parse(text);
        assertThat(m.distance()).isDeepEqualTo(new int[][] {{10, 20}, {20, 10}});
    }

    @Test
    void blankLinesAndCommentsAreIgnored() {
        MachineSpec m = parse("# captured on lab box\n\n" + TWO_NODE + "\n\n");
        assertThat(m.nodeCount()).isEqualTo(2);
        assertThat(m.nodes().get(0).line()).isEqualTo(4);
    }

    private static final String SPARSE = """
            available: 2 nodes (0,2)
            node 0 cpus: 0
            node 0 size: 100 MB
            node 2 cpus: 1
            node 2 size: 100 MB
            node distances:
            node   0   2\s
              0:  10  31\s
              2:  31  10\s
            """;

    @Test
    void sparseNodeIdsAreAcceptedAndTheMissingIdIsAnOfflineNode() {
        MachineSpec m = parse(SPARSE);
        assertThat(m.nodeCount()).isEqualTo(3);
        assertThat(m.nodes().get(1).online()).isFalse();
        assertThat(m.nodes().get(2).online()).isTrue();
        assertThat(m.nodes().get(2).cpus()).containsExactly(1);
        assertThat(m.distance(0, 2)).isEqualTo(31);
        assertThat(m.distance(2, 0)).isEqualTo(31);
        assertThat(m.distance(0, 1)).isEqualTo(20);
        assertThat(m.distance(1, 1)).isEqualTo(10);
    }

    @Test
    void aSparseHeaderMustListTheAvailableNodes() {
        ConfigException e = rejects(SPARSE.replace("node   0   2", "node   0   1"));
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.detail()).contains("expected node 2");
    }

    @Test
    void aNodeLineForAnIdNotAvailableIsRejected() {
        ConfigException e = rejects(SPARSE.replace("node 2 cpus: 1", "node 1 cpus: 1"));
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("node 1 is not in the available list (0,2)");
    }

    @Test
    void aCpuListedTwiceIsAnErrorNotMerged() {
        ConfigException e = rejects(TWO_NODE.replace("node 0 cpus: 0 1 2 3", "node 0 cpus: 0 1 1 3"));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.detail()).contains("cpu 1 is listed twice");
        assertThat(rejects(TWO_NODE.replace("node 0 cpus: 0 1 2 3", "node 0 cpus: 0-3, 2 (5)"))
                .detail()).contains("cpu 2 is listed twice");
    }

    @Test
    void aMachineWithoutAnyCpuIsRejected() {
        String noCpus = TWO_NODE.replaceAll("node (\\d) cpus:.*", "node $1 cpus:");
        ConfigException e = rejects(noCpus);
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.detail()).contains("Linux needs at least one cpu");
    }

    @Test
    void aHugeNodeCountIsAnErrorNotACrash() {
        ConfigException e = rejects(TWO_NODE.replace("available: 2 nodes", "available: 99999999999 nodes"));
        assertThat(e.line()).isEqualTo(1);
    }

    @Test
    void anOverlongLineIsRejectedBeforeParsing() {
        String longLine = TWO_NODE.replace("node 0 cpus: 0 1 2 3", "node 0 cpus: 0 1 2 3" + " ".repeat(70_000));
        ConfigException e = rejects(longLine);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.detail()).contains("characters long; the limit is 65536");
    }

    @Test
    void diagonalOtherThanTenIsRejectedAtItsLineAndColumn() {
        ConfigException e = rejects(TWO_NODE.replace("  1:  20  10 ", "  1:  20  12 "));
        assertThat(e.line()).isEqualTo(11);
        assertThat(e.column()).isEqualTo(11);
        assertThat(e.detail()).contains("distance from node 1 to itself is 12")
                .contains("must be 10");
    }

    @Test
    void remoteDistanceOutOfRangeIsRejected() {
        ConfigException e = rejects(TWO_NODE.replace("  0:  10  20 ", "  0:  10  10 "));
        assertThat(e.line()).isEqualTo(10);
        assertThat(e.detail()).contains("must be 11..255");
        ConfigException big = rejects(TWO_NODE.replace("  1:  20  10 ", "  1: 300  10 "));
        assertThat(big.line()).isEqualTo(11);
        assertThat(big.detail()).contains("is 300");
    }

    @Test
    void distanceRowOfTheWrongLengthIsRejected() {
        ConfigException e = rejects(TWO_NODE.replace("  1:  20  10 ", "  1:  20 "));
        assertThat(e.line()).isEqualTo(11);
        assertThat(e.detail()).contains("distance row 1 has 1 entries; expected 2");
    }

    @Test
    void truncatedDistanceTableIsRejected() {
        ConfigException e = rejects(TWO_NODE.replace("  1:  20  10 \n", ""));
        assertThat(e.line()).isEqualTo(10);
        assertThat(e.detail()).contains("distance table has 1 rows; expected 2");
    }

    @Test
    void distanceHeaderMustListTheNodesInOrder() {
        ConfigException e = rejects(TWO_NODE.replace("node   0   1 ", "node   1   0 "));
        assertThat(e.line()).isEqualTo(9);
        assertThat(e.detail()).contains("expected node 0");
    }

    @Test
    void distanceRowsMustBeLabelledInOrder() {
        ConfigException e = rejects(TWO_NODE.replace("  1:  20  10 ", "  2:  20  10 "));
        assertThat(e.line()).isEqualTo(11);
        assertThat(e.detail()).contains("expected distance row '1:'");
    }

    @Test
    void missingDistanceSectionIsRejected() {
        ConfigException e = rejects(TWO_NODE.substring(0, TWO_NODE.indexOf("node distances:")));
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.detail()).contains("missing the distance table");
    }

    @Test
    void textAfterTheTableIsRejected() {
        ConfigException e = rejects(TWO_NODE + "$ exit\n");
        assertThat(e.line()).isEqualTo(12);
        assertThat(e.detail()).contains("unexpected text after the distance table");
    }

    @Test
    void nodeWithNeitherMemoryNorCpusIsRejected() {
        ConfigException e = rejects(TWO_NODE.replace("node 1 cpus: 4 5 6 7", "node 1 cpus:")
                .replace("node 1 size: 16125 MB", "node 1 size: 0 MB"));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.detail()).contains("node 1 has neither memory nor cpus");
    }

    @Test
    void badSizeIsRejected() {
        ConfigException e = rejects(TWO_NODE.replace("15954 MB", "15954 GB"));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("expected 'N MB' or '<not available>'");
    }

    @Test
    void badCpuIsRejected() {
        ConfigException e = rejects(TWO_NODE.replace("node 0 cpus: 0 1 2 3", "node 0 cpus: 0 x"));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.detail()).contains("bad cpu 'x'");
    }

    @Test
    void cpuOnTwoNodesIsRejected() {
        ConfigException e = rejects(TWO_NODE.replace("node 1 cpus: 4 5 6 7", "node 1 cpus: 3 4"));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.detail()).contains("cpu 3 is listed on node 0 and on node 1");
    }

    @Test
    void nodeOutsideTheAvailableListIsRejected() {
        ConfigException e = rejects(TWO_NODE.replace("node 1 free: 15870 MB",
                "node 1 free: 15870 MB\nnode 2 cpus: 9"));
        assertThat(e.line()).isEqualTo(8);
        assertThat(e.detail()).contains("node 2 is not in the available list (0-1)");
    }

    @Test
    void nodeWithoutItsSizeLineIsRejected() {
        ConfigException e = rejects(TWO_NODE.replace("node 1 size: 16125 MB\n", ""));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.detail()).contains("no 'node 1 size: line'");
    }

    @Test
    void nodeCountThatDisagreesWithTheListIsRejected() {
        ConfigException e = rejects(TWO_NODE.replace("available: 2 nodes (0-1)",
                "available: 3 nodes (0-1)"));
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.detail()).contains("says 3 nodes but lists 2");
    }

    @Test
    void unexpectedLineIsRejectedSayingWhatWasExpected() {
        ConfigException e = rejects(TWO_NODE.replace("node 0 free: 12010 MB",
                "node 0 free 12010 MB"));
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("expected 'node N cpus:'");
    }

    @Test
    void textBeforeAvailableIsRejected() {
        ConfigException e = rejects("$ numactl --hardware\n" + TWO_NODE);
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.detail()).contains("expected 'available: N nodes (0-N)'");
    }

    @Test
    void detectsNumactlTextByItsAvailableLine() {
        assertThat(NumactlHardwareParser.looksLikeNumactl(TWO_NODE)).isTrue();
        assertThat(NumactlHardwareParser.looksLikeNumactl("nodes:\n  - size: 1GiB\n")).isFalse();
    }
}
