package org.mmproto.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every input is bounded before SnakeYAML (or the numactl parser) reads it; each limit names its line. */
class InputBoundsTest {
    private static ConfigException fails(Runnable r) {
        ConfigException e = catchThrowableOfType(ConfigException.class, r::run);
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e;
    }

    @Test
    void aSingleHugeTokenIsRejectedByItsLineLengthBeforeTheParserReadsIt() {
        // 900 KiB in one plain scalar: SnakeYAML would need about a second, growing quadratically
        String text = "name: x\ndescription: " + "y".repeat(900 << 10) + "\n";
        ConfigException e = fails(() -> YamlTree.parse(text, "big.yaml"));
        assertThat(e.file()).isEqualTo("big.yaml");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.detail()).contains("line 2 is 921613 characters long; the limit is 65536");
    }

    @Test
    void aFileLargerThanTheLimitIsNotReadFurther(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("huge.yaml");
        Files.writeString(f, "a: 1\n".repeat((1 << 20) / 5 + 10));
        ConfigException e = fails(() -> YamlTree.read(f));
        assertThat(e.getMessage()).isEqualTo(f + ": the file is larger than 1048576 bytes (1MiB),"
                + " the limit for an input file");
    }

    @Test
    void textLargerThanTheLimitIsRejected() {
        String text = ("a: " + "1".repeat(60) + "\n").repeat(20_000);
        assertThat(fails(() -> YamlTree.parse(text, "t.yaml")).detail()).contains("the limit is 1048576");
    }

    @Test
    void deepNestingIsReportedAtTheLevelThatPassesTheLimit() {
        String text = "name: x\na: " + "[".repeat(40) + "]".repeat(40) + "\n";
        ConfigException e = fails(() -> YamlTree.parse(text, "deep.yaml"));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).as("the root mapping and 31 brackets are open at the 32nd").isEqualTo(35);
        assertThat(e.detail()).contains("nesting deeper than 32 levels");
    }

    @Test
    void tooManyAliasesToCollectionsAreReportedAtTheFirstOneOverTheLimit() {
        StringBuilder sb = new StringBuilder("base: &b [1, 2]\nuses:\n");
        for (int i = 0; i < 101; i++) {
            sb.append("  - *b\n");
        }
        ConfigException e = fails(() -> YamlTree.parse(sb.toString(), "alias.yaml"));
        assertThat(e.line()).isEqualTo(103);
        assertThat(e.detail()).contains("more than 100 aliases to mappings or sequences");
    }

    @Test
    void aliasesToScalarsAreNotCounted() {
        StringBuilder sb = new StringBuilder("base: &s 4GiB\nuses:\n");
        for (int i = 0; i < 500; i++) {
            sb.append("  - *s\n");
        }
        assertThat(YamlTree.parse(sb.toString(), "s.yaml").root()).isNotNull();
    }

    @Test
    void aBillionLaughsDocumentIsRejectedByItsExpandedSize() {
        StringBuilder sb = new StringBuilder("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 9; i++) {
            sb.append("l").append(i).append(": &l").append(i).append(" [");
            for (int k = 0; k < 10; k++) {
                sb.append(k == 0 ? "" : ", ").append("*l").append(i - 1);
            }
            sb.append("]\n");
        }
        ConfigException e = fails(() -> YamlTree.parse(sb.toString(), "lol.yaml"));
        assertThat(e.line()).as("l5 alone expands to 1111111 nodes").isEqualTo(6);
        assertThat(e.detail()).contains("expands to more than 1000000 nodes");
    }

    @Test
    void aRecursiveAliasIsRejected() {
        ConfigException e = fails(() -> YamlTree.parse("a: &x\n  - 1\n  - *x\n", "rec.yaml"));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("alias *x refers to a node that contains it");
    }

    @Test
    void anInvalidUtf8ByteNamesItsByteOffsetAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        byte[] head = "name: x\nmachine: caf".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + 2);
        bytes[head.length] = (byte) 0xc3; // a lead byte followed by a non-continuation byte
        bytes[head.length + 1] = '\n';
        Files.write(f, bytes);
        ConfigException e = fails(() -> YamlTree.read(f));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(13);
        assertThat(e.detail()).isEqualTo("not UTF-8 text: invalid byte 0xc3 at byte offset 20 (line 2,"
                + " byte 13 of the line); expected a UTF-8 text file");
    }

    @Test
    void aDeviceIsNotARegularFile() {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zero));
        assertThat(fails(() -> YamlTree.read(zero)).getMessage()).isEqualTo("/dev/zero: is not a"
                + " regular file (a device, pipe or socket); expected a text file");
    }

    @Test
    void aDirectoryIsNotAFile(@TempDir Path dir) {
        assertThat(fails(() -> YamlTree.read(dir)).detail()).isEqualTo("is a directory; expected a text file");
    }
}
