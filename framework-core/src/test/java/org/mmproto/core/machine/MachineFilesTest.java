package org.mmproto.core.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mmproto.core.config.ConfigException;

class MachineFilesTest {
    private static final long GiB = 1L << 30;

    static List<String> bundledNames() {
        return MachineFiles.bundledNames();
    }

    @ParameterizedTest
    @MethodSource("bundledNames")
    void everyBundledMachineLoads(String name) {
        MachineSpec m = MachineFiles.bundled(name);
        assertThat(m.source()).isEqualTo("bundled:" + name);
        assertThat(m.name()).isEqualTo(name);
        assertThat(m.nodeCount()).isPositive();
    }

    @Test
    void bundledIndexListsExactlyTheBundledYamlFiles() throws Exception {
        URL url = MachineFiles.class.getResource("/machines/default.yaml");
        assertThat(url).isNotNull();
        Path dir = toPath(url).getParent();
        try (Stream<Path> files = Files.list(dir)) {
            List<String> onDisk = files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml"))
                    .map(f -> f.substring(0, f.length() - ".yaml".length()))
                    .sorted().toList();
            assertThat(MachineFiles.bundledNames()).containsExactlyInAnyOrderElementsOf(onDisk);
        }
    }

    private static Path toPath(URL url) throws URISyntaxException {
        return Path.of(url.toURI());
    }

    @Test
    void defaultMachineHasTwoDramNodesAndAMovableCxlNode() {
        MachineSpec m = MachineFiles.bundled("default");
        assertThat(m.nodeCount()).isEqualTo(3);
        assertThat(m.nodes().get(0).cpus()).containsExactly(0, 1, 2, 3);
        assertThat(m.nodes().get(1).cpus()).containsExactly(4, 5, 6, 7);
        NodeSpec cxl = m.nodes().get(2);
        assertThat(cxl.cpus()).isEmpty();
        assertThat(cxl.sizeBytes()).isEqualTo(16 * GiB);
        assertThat(cxl.movableBytes()).isEqualTo(16 * GiB);
        assertThat(cxl.isPrivate()).isFalse();
        assertThat(m.distance()).isDeepEqualTo(new int[][] {{10, 20, 30}, {20, 10, 30},
                {30, 30, 10}});
        assertThat(m.nodes()).allMatch(n -> n.line() > 0);
    }

    @Test
    void privateCxlMachineHasAPrivate8GiBNode() {
        NodeSpec cxl = MachineFiles.bundled("private-cxl").nodes().get(2);
        assertThat(cxl.isPrivate()).isTrue();
        assertThat(cxl.sizeBytes()).isEqualTo(8 * GiB);
        assertThat(cxl.cpus()).isEmpty();
    }

    @Test
    void singleMachineHasOneNode() {
        MachineSpec m = MachineFiles.bundled("single");
        assertThat(m.nodeCount()).isEqualTo(1);
        assertThat(m.nodes().get(0).sizeBytes()).isEqualTo(4 * GiB);
        assertThat(m.nodes().get(0).cpus()).containsExactly(0, 1);
    }

    @Test
    void asymmetricCxlMachineKeepsItsAsymmetricTableAndMemorylessNode() {
        MachineSpec m = MachineFiles.bundled("asymmetric-cxl");
        assertThat(m.distance(0, 2)).isEqualTo(28);
        assertThat(m.distance(2, 0)).isEqualTo(30);
        assertThat(m.nodes()).anyMatch(n -> !n.hasMemory() && n.hasCpus());
        assertThat(m.nodes()).anyMatch(n -> n.hasMemory() && !n.hasCpus());
    }

    @Test
    void unknownBundledNameListsTheBundledMachines() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> MachineFiles.bundled("defualt"));
        assertThat(e.file()).isEqualTo("bundled:defualt");
        assertThat(e.detail()).contains("did you mean 'default'?")
                .contains("default, private-cxl, single, asymmetric-cxl");
    }

    @Test
    void detectsNumactlTextByContentEvenWithAYamlName() {
        String text = NumactlHardwareParserTest.resource("two-node-2.0.16.txt");
        MachineSpec m = MachineFiles.parse(text, "machine.yaml");
        assertThat(m.name()).isEqualTo("numactl");
        assertThat(m.source()).isEqualTo("machine.yaml");
        assertThat(m.nodeCount()).isEqualTo(2);
    }

    @Test
    void loadsANumactlFileNamedYaml(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("box.yaml");
        Files.writeString(f, NumactlHardwareParserTest.resource("four-node-cxl-2.0.19.txt"));
        MachineSpec m = MachineFiles.load(f);
        assertThat(m.name()).isEqualTo("numactl");
        assertThat(m.source()).isEqualTo(f.toString());
        assertThat(m.nodeCount()).isEqualTo(4);
    }

    @Test
    void treatsOtherTextAsYamlWhateverItsName(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("hardware.txt");
        Files.writeString(f, "nodes:\n  - {size: 2GiB, cpus: 0}\n");
        MachineSpec m = MachineFiles.load(f);
        assertThat(m.name()).isEqualTo("hardware");
        assertThat(m.nodes().get(0).sizeBytes()).isEqualTo(2 * GiB);
    }

    @Test
    void loadErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "nodes:\n  - {size: 2GB, cpus: 0}\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> MachineFiles.load(f));
        assertThat(e.getMessage()).startsWith(f + ":2:");
    }

    @Test
    void resolvePrefersAnExistingFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("default");
        Files.writeString(f, "nodes:\n  - {size: 1GiB, cpus: 0}\n");
        MachineSpec m = MachineFiles.resolve(f.toString());
        assertThat(m.nodeCount()).isEqualTo(1);
        assertThat(m.source()).isEqualTo(f.toString());
    }

    @Test
    void resolveFallsBackToABundledMachine() {
        MachineSpec m = MachineFiles.resolve("private-cxl");
        assertThat(m.source()).isEqualTo("bundled:private-cxl");
    }

    @Test
    void resolveOfNeitherFileNorBundledNameListsTheBundledMachines() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> MachineFiles.resolve("no/such/machine.yaml"));
        assertThat(e.file()).isEqualTo("no/such/machine.yaml");
        assertThat(e.detail()).contains("no such file and no bundled machine")
                .contains("bundled machines: default, private-cxl, single, asymmetric-cxl");
    }

    @Test
    void resolveOfADirectorySaysSo(@TempDir Path dir) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> MachineFiles.resolve(dir.toString()));
        assertThat(e.detail()).startsWith("is a directory");
    }
}
