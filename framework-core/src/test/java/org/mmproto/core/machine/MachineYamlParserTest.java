package org.mmproto.core.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.mmproto.api.NodeMask;
import org.mmproto.core.config.ConfigException;

class MachineYamlParserTest {
    private static final long GiB = 1L << 30;

    private static MachineSpec parse(String yaml) {
        return MachineYamlParser.parse(yaml, "test.yaml");
    }

    private static ConfigException rejects(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        assertThat(e).as("expected a ConfigException for:%n%s", yaml).isNotNull();
        assertThat(e.file()).isEqualTo("test.yaml");
        return e;
    }

    /** 1-based number of the only line containing {@code marker}. */
    private static int lineOf(String text, String marker) {
        String[] lines = text.split("\n", -1);
        int found = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(marker)) {
                assertThat(found).as("marker '%s' is not unique", marker).isZero();
                found = i + 1;
            }
        }
        assertThat(found).as("marker '%s' not found", marker).isPositive();
        return found;
    }

    private static final String FULL = """
            name: lab box
            nodes:
              - nid: 0
                size: 16GiB
                cpus: 0-3
                movable: 2GiB
              - nid: 1
                size: 16G
                cpus: 4-7
              - size: 8GiB
                online: movable
                private: true
                start: 0x1000000000
            distances:
              - [10, 20, 30]
              - [20, 10, 30]
              - [30, 30, 10]
            vm:
              min_free_kbytes: 67584
              watermark_scale_factor: 200
              lowmem_reserve_ratio: [256, 256, 64, 0]
              transparent_hugepage: never
              movablecore: 4GiB
            """;

    @Test
    void readsEveryFieldOfTheFormat() {
        MachineSpec m = parse(FULL);
        assertThat(m.name()).isEqualTo("lab box");
        assertThat(m.source()).isEqualTo("test.yaml");
        assertThat(m.nodeCount()).isEqualTo(3);

        NodeSpec n0 = m.nodes().get(0);
        assertThat(n0.nid()).isZero();
        assertThat(n0.sizeBytes()).isEqualTo(16 * GiB);
        assertThat(n0.cpus()).containsExactly(0, 1, 2, 3);
        assertThat(n0.movableBytes()).isEqualTo(2 * GiB);
        assertThat(n0.isPrivate()).isFalse();
        assertThat(n0.startAddress()).isEmpty();
        assertThat(n0.line()).isEqualTo(lineOf(FULL, "- nid: 0"));

        NodeSpec n2 = m.nodes().get(2);
        assertThat(n2.nid()).isEqualTo(2);
        assertThat(n2.sizeBytes()).isEqualTo(8 * GiB);
        assertThat(n2.cpus()).isEmpty();
        assertThat(n2.isPrivate()).isTrue();
        assertThat(n2.movableBytes()).as("online: movable puts all memory in ZONE_MOVABLE")
                .isEqualTo(8 * GiB);
        assertThat(n2.startAddress()).isEqualTo(OptionalLong.of(0x1000000000L));
        assertThat(n2.line()).isEqualTo(lineOf(FULL, "- size: 8GiB"));

        assertThat(m.distance(0, 2)).isEqualTo(30);
        assertThat(m.distance(2, 1)).isEqualTo(30);

        VmTunables vm = m.vm();
        assertThat(vm.minFreeKbytes()).isEqualTo(67584);
        assertThat(vm.watermarkScaleFactor()).isEqualTo(200);
        assertThat(vm.lowmemReserveRatio()).containsExactly(256, 256, 64, 0);
        assertThat(vm.thpEnabled()).isFalse();
        assertThat(vm.movablecoreBytes()).isEqualTo(4 * GiB);
    }

    @Test
    void optionalPartsTakeTheirDefaults() {
        MachineSpec m = parse("""
                nodes:
                  - size: 4GiB
                    cpus: 0-1
                  - size: 4GiB
                """);
        assertThat(m.name()).as("name defaults to the file name").isEqualTo("test");
        assertThat(m.distance()).isDeepEqualTo(new int[][] {{10, 20}, {20, 10}});
        assertThat(m.vm()).usingRecursiveComparison().isEqualTo(VmTunables.defaults());
        assertThat(m.vm().minFreeKbytes()).isEqualTo(-1);
        assertThat(m.nodes().get(1).cpus()).isEmpty();
        assertThat(m.nodes().get(1).movableBytes()).isZero();
        assertThat(m.nodes().get(1).isPrivate()).isFalse();
    }

    @Test
    void transparentHugepageMadviseAndAlwaysEnableThp() {
        for (String mode : List.of("always", "madvise")) {
            MachineSpec m = parse("nodes: [{size: 1GiB, cpus: 0}]\nvm:\n  transparent_hugepage: "
                    + mode + "\n");
            assertThat(m.vm().thpEnabled()).as(mode).isTrue();
        }
    }

    @Test
    void acceptsCpusAsAYamlListAnEmptyStringOrASingleNumber() {
        MachineSpec m = parse("""
                nodes:
                  - {size: 1GiB, cpus: [3, 1, 2]}
                  - {size: 1GiB, cpus: ""}
                  - {size: 1GiB, cpus: 7}
                  - {size: 1GiB, cpus: "8-9,12"}
                """);
        assertThat(m.nodes().get(0).cpus()).containsExactly(1, 2, 3);
        assertThat(m.nodes().get(1).cpus()).isEmpty();
        assertThat(m.nodes().get(2).cpus()).containsExactly(7);
        assertThat(m.nodes().get(3).cpus()).containsExactly(8, 9, 12);
    }

    @Test
    void acceptsAsymmetricDistanceTables() {
        MachineSpec m = parse("""
                nodes:
                  - {size: 4GiB, cpus: 0-1}
                  - {size: 4GiB}
                distances:
                  - [10, 28]
                  - [30, 10]
                """);
        assertThat(m.distance(0, 1)).isEqualTo(28);
        assertThat(m.distance(1, 0)).isEqualTo(30);
    }

    @Test
    void acceptsMemorylessNodesWithCpus() {
        MachineSpec m = parse("""
                nodes:
                  - {size: 4GiB, cpus: 0-1}
                  - {cpus: 2-3}
                  - {size: 0, cpus: 4}
                """);
        assertThat(m.nodes().get(1).hasMemory()).isFalse();
        assertThat(m.nodes().get(1).hasCpus()).isTrue();
        assertThat(m.nodes().get(2).sizeBytes()).isZero();
    }

    @Test
    void acceptsMoreThan64Nodes() {
        StringBuilder sb = new StringBuilder("nodes:\n");
        for (int i = 0; i < 100; i++) {
            sb.append("  - {size: 1GiB, cpus: ").append(i).append("}\n");
        }
        assertThat(parse(sb.toString()).nodeCount()).isEqualTo(100);
    }

    @Test
    void acceptsExplicitStartsThatTouchButDoNotOverlap() {
        MachineSpec m = parse("""
                nodes:
                  - {size: 4GiB, cpus: 0, start: 8GiB}
                  - {size: 4GiB, cpus: 1, start: 0}
                  - {size: 4GiB, cpus: 2}
                """);
        assertThat(m.nodes().get(0).startAddress()).hasValue(8 * GiB);
        assertThat(m.nodes().get(2).startAddress()).as("default placement is not stored")
                .isEmpty();
    }

    // ---- rejected inputs: each a ConfigException at the offending line -----------------------

    @Test
    void unknownTopLevelKeyIsRejected() {
        String y = "nodes: [{size: 1GiB, cpus: 0}]\ndistance:\n  - [10]\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.detail()).contains("unknown key 'distance'")
                .contains("did you mean 'distances'?")
                .contains("expected one of: name, nodes, distances, vm");
    }

    @Test
    void unknownNodeKeyIsRejected() {
        String y = """
                nodes:
                  - size: 1GiB
                    cpus: 0
                    onlin: movable
                """;
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(lineOf(y, "onlin:"));
        assertThat(e.detail()).contains("unknown key 'onlin' in nodes[0]")
                .contains("did you mean 'online'?")
                .contains("nid, size, cpus, movable, online, private, start");
    }

    @Test
    void unknownVmKeyIsRejected() {
        String y = "nodes: [{size: 1GiB, cpus: 0}]\nvm:\n  min_free_kbyte: 1024\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("unknown key 'min_free_kbyte' in vm")
                .contains("did you mean 'min_free_kbytes'?");
    }

    @Test
    void sizeThatIsNotAPageMultipleIsRejected() {
        String y = "nodes:\n  - cpus: 0\n    size: 1000000\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("nodes[0].size").contains("not a multiple of the page")
                .contains("expected a multiple of 4KiB");
    }

    @Test
    void movableThatIsNotAPageMultipleIsRejected() {
        String y = "nodes:\n  - cpus: 0\n    size: 1GiB\n    movable: 6000\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("movable").contains("expected a multiple of 4KiB");
    }

    @Test
    void movablecoreThatIsNotAPageMultipleIsRejected() {
        String y = "nodes: [{size: 1GiB, cpus: 0}]\nvm:\n  movablecore: 1025K\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("movablecore").contains("expected a multiple of 4KiB");
    }

    @Test
    void decimalSizeUnitIsRejectedWithAHint() {
        String y = "nodes:\n  - cpus: 0\n    size: 16GB\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("did you mean 16GiB?");
    }

    @Test
    void privateNodeWithoutSizeIsRejected() {
        String y = "nodes:\n  - {size: 1GiB, cpus: 0}\n  - private: true\n    cpus: 1\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("private").contains("needs a size > 0");
    }

    @Test
    void aPrivateNodeAboveNid63IsRejectedAndNid63IsAccepted() {
        StringBuilder y = new StringBuilder("nodes:\n");
        for (int i = 0; i < 64; i++) {
            y.append("  - {size: 16MiB, cpus: ").append(i).append("}\n");
        }
        String ok = y + "  - {size: 16MiB, private: true}\n";
        ConfigException e = rejects(ok);
        assertThat(e.line()).isEqualTo(66);
        assertThat(e.detail()).contains("node 64 is private").contains("nid 0-63");
        StringBuilder z = new StringBuilder("nodes:\n");
        for (int i = 0; i < 63; i++) {
            z.append("  - {size: 16MiB, cpus: ").append(i).append("}\n");
        }
        assertThat(parse(z + "  - {size: 16MiB, private: true}\n").nodes()).hasSize(64);
    }

    @Test
    void privateNodeWithSizeZeroIsRejectedAtTheSize() {
        String y = "nodes:\n  - {size: 1GiB, cpus: 0}\n  - private: true\n    size: 0\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("needs a size > 0");
    }

    @Test
    void nodeWithNeitherMemoryNorCpusIsRejected() {
        String y = "nodes:\n  - {size: 1GiB, cpus: 0}\n  - nid: 1\n    cpus: \"\"\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("node 1 has neither memory nor cpus")
                .contains("expected a size > 0, cpus, or both");
    }

    @Test
    void movableLargerThanSizeIsRejected() {
        String y = "nodes:\n  - size: 4GiB\n    cpus: 0\n    movable: 8GiB\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("movable: 8GiB is larger than the node's size 4GiB")
                .contains("expected 0..4GiB");
    }

    @Test
    void movableAndOnlineMovableThatDisagreeAreRejected() {
        String y = "nodes:\n  - size: 4GiB\n    online: movable\n    movable: 1GiB\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("conflicts with online: movable");
    }

    @Test
    void onlineMovableWithoutMemoryIsRejected() {
        String y = "nodes:\n  - cpus: 0\n    online: movable\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("online: movable needs memory");
    }

    @Test
    void unknownOnlineModeIsRejected() {
        String y = "nodes:\n  - size: 4GiB\n    online: kernel\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("expected one of normal | movable | none, got 'kernel'");
    }

    @Test
    void diagonalDistanceOtherThanTenIsRejected() {
        String y = """
                nodes: [{size: 1GiB, cpus: 0}, {size: 1GiB, cpus: 1}]
                distances:
                  - [10, 20]
                  - [20, 11]
                """;
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo(10);
        assertThat(e.detail()).contains("distances[1][1]")
                .contains("distance from node 1 to itself is 11")
                .contains("must be 10");
    }

    @Test
    void remoteDistanceOfTenOrLessIsRejected() {
        String y = """
                nodes: [{size: 1GiB, cpus: 0}, {size: 1GiB, cpus: 1}]
                distances:
                  - [10, 10]
                  - [20, 10]
                """;
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("distance from node 0 to node 1 is 10")
                .contains("must be 11..255");
    }

    @Test
    void remoteDistanceAbove255IsRejected() {
        String y = """
                nodes: [{size: 1GiB, cpus: 0}, {size: 1GiB, cpus: 1}]
                distances:
                  - [10, 20]
                  - [256, 10]
                """;
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("is 256").contains("must be 11..255");
    }

    @Test
    void distanceMatrixWithTooFewRowsIsRejected() {
        String y = """
                nodes: [{size: 1GiB, cpus: 0}, {size: 1GiB, cpus: 1}]
                distances:
                  - [10, 20]
                """;
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("expected 2 rows").contains("got 1");
    }

    @Test
    void distanceRowOfTheWrongLengthIsRejected() {
        String y = """
                nodes: [{size: 1GiB, cpus: 0}, {size: 1GiB, cpus: 1}]
                distances:
                  - [10, 20]
                  - [20, 10, 30]
                """;
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("row 1 has 3 entries; expected 2");
    }

    @Test
    void distanceThatIsNotANumberIsRejected() {
        String y = """
                nodes: [{size: 1GiB, cpus: 0}, {size: 1GiB, cpus: 1}]
                distances:
                  - [10, far]
                  - [20, 10]
                """;
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("expected an integer").contains("'far'");
    }

    @Test
    void nidThatDoesNotMatchItsPositionIsRejected() {
        String y = "nodes:\n  - {nid: 0, size: 1GiB, cpus: 0}\n  - nid: 2\n    size: 1GiB\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("nid 2 does not match").contains("expected nid: 1");
    }

    @Test
    void overlappingNodeRangesAreRejectedNamingBothNodesInHex() {
        String y = """
                nodes:
                  - size: 16GiB
                    cpus: 0-3
                  - size: 16GiB
                    cpus: 4-7
                  - size: 8GiB
                    start: 0x480000000
                """;
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(lineOf(y, "start: 0x480000000"));
        assertThat(e.detail())
                .contains("node 2 memory [0x480000000, 0x680000000)")
                .contains("overlaps node 1 memory [0x400000000, 0x800000000)")
                .contains("expected disjoint ranges");
    }

    @Test
    void overlapWithAnEarlierNodePlacedByDefaultIsFound() {
        String y = """
                nodes:
                  - {size: 4GiB, cpus: 0, start: 8GiB}
                  - {size: 4GiB, cpus: 1, start: 0}
                  - {size: 8GiB, cpus: 2}
                """;
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("node 2 memory [0x100000000, 0x300000000)")
                .contains("overlaps node 0 memory [0x200000000, 0x300000000)");
    }

    @Test
    void startThatIsNotPageAlignedIsRejected() {
        String y = "nodes:\n  - size: 4GiB\n    cpus: 0\n    start: 0x1001\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("start 0x1001 (4097 bytes) is not page aligned")
                .contains("expected a multiple of 4KiB");
    }

    @Test
    void nodeBeyondThePhysicalAddressSpaceIsRejected() {
        String y = "nodes:\n  - size: 4GiB\n    cpus: 0\n    start: 0xfffffffff000000\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("52-bit physical address space");
    }

    @Test
    void watermarkScaleFactorOutsideTheSysctlRangeIsRejected() {
        for (String v : List.of("0", "3001")) {
            String y = "nodes: [{size: 1GiB, cpus: 0}]\nvm:\n  watermark_scale_factor: " + v
                    + "\n";
            ConfigException e = rejects(y);
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.detail()).contains("expected an integer in 1..3000, got " + v);
        }
    }

    @Test
    void lowmemReserveRatioWithoutFourEntriesIsRejected() {
        String y = "nodes: [{size: 1GiB, cpus: 0}]\nvm:\n  lowmem_reserve_ratio: [256, 32, 0]\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("expected 4 entries (DMA, DMA32, NORMAL, MOVABLE), got 3");
    }

    @Test
    void negativeLowmemReserveRatioIsRejected() {
        String y = "nodes: [{size: 1GiB, cpus: 0}]\nvm:\n  lowmem_reserve_ratio:\n"
                + "    - 256\n    - 256\n    - -1\n    - 0\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.detail()).contains("lowmem_reserve_ratio[2]").contains(">= 0, got -1");
    }

    @Test
    void negativeMinFreeKbytesIsRejected() {
        String y = "nodes: [{size: 1GiB, cpus: 0}]\nvm:\n  min_free_kbytes: -1\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("expected an integer >= 0");
    }

    @Test
    void unknownTransparentHugepageModeIsRejected() {
        String y = "nodes: [{size: 1GiB, cpus: 0}]\nvm:\n  transparent_hugepage: allways\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("expected one of always | madvise | never")
                .contains("did you mean 'always'?");
    }

    @Test
    void emptyNodeListIsRejected() {
        ConfigException e = rejects("name: x\nnodes: []\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.detail()).contains("no nodes; expected at least one node");
    }

    @Test
    void missingNodesKeyIsRejected() {
        ConfigException e = rejects("name: x\n");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.detail()).contains("missing required key 'nodes'");
    }

    @Test
    void emptyFileIsRejected() {
        ConfigException e = rejects("# nothing here\n");
        assertThat(e.detail()).contains("empty").contains("'nodes:'");
    }

    @Test
    void nodesThatAreNotMappingsAreRejected() {
        ConfigException e = rejects("nodes:\n  - 16GiB\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.detail()).contains("nodes[0]: expected a mapping");
    }

    @Test
    void moreNodesThanMaxNumnodesAreRejected() {
        StringBuilder sb = new StringBuilder("nodes:\n");
        for (int i = 0; i <= NodeMask.MAX_NUMNODES; i++) {
            sb.append("  - {size: 4KiB, cpus: ").append(i).append("}\n");
        }
        ConfigException e = rejects(sb.toString());
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.detail()).contains("more than MAX_NUMNODES (1024)");
    }

    @Test
    void badCpuListIsRejected() {
        String y = "nodes:\n  - size: 1GiB\n    cpus: 3-1\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("expected a cpu list such as 0-3,8");
    }

    @Test
    void cpuOnTwoNodesIsRejected() {
        String y = "nodes:\n  - {size: 1GiB, cpus: 0-3}\n  - size: 1GiB\n    cpus: 3-5\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("cpu 3 is listed on node 0 and on node 1");
    }

    @Test
    void yamlSyntaxErrorIsReportedWithItsLine() {
        String y = "nodes:\n  - size: 1GiB\n    cpus: [0, 1\n  - size: 2GiB\n";
        ConfigException e = rejects(y);
        assertThat(e.line()).isGreaterThanOrEqualTo(3);
        assertThat(e.detail()).startsWith("YAML syntax error");
    }

    @Test
    void errorMessageHasTheFileLineColumnForm() {
        ConfigException e = rejects("nodes:\n  - cpus: 0\n    size: 16GB\n");
        assertThat(e.getMessage()).startsWith("test.yaml:3:11: nodes[0].size: ");
    }

    @Test
    void aMachineWithoutAnyCpuIsRejected() {
        ConfigException e = rejects("nodes:\n  - {size: 1GiB}\n  - {size: 1GiB, cpus: \"\"}\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.detail()).contains("no node has a cpu; Linux needs at least one cpu");
    }

    @Test
    void aCpuListedTwiceOnOneNodeIsAnErrorNotMerged() {
        assertThat(rejects("nodes:\n  - {size: 1GiB, cpus: \"0-3,2\"}\n").detail())
                .contains("cpu 2 is listed twice");
        ConfigException e = rejects("nodes:\n  - size: 1GiB\n    cpus: [0, 1, 1]\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("nodes[0].cpus[2]: cpu 1 is listed twice");
    }

    @Test
    void aTooLargeMinFreeKbytesNamesTheRealLimit() {
        ConfigException e = rejects("nodes: [{size: 1GiB, cpus: 0}]\nvm:\n  min_free_kbytes: 99999999999\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("expected an integer in 0..2147483647, got 99999999999",
                "vm.min_free_kbytes is a C int sysctl");
    }
}
