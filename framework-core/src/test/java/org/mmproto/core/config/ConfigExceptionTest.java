package org.mmproto.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigExceptionTest {

    @Test
    void messageStartsWithFileLineAndColumn() {
        ConfigException e = new ConfigException("m.yaml", 12, 5, "expected a size");
        assertThat(e.getMessage()).isEqualTo("m.yaml:12:5: expected a size");
        assertThat(e.file()).isEqualTo("m.yaml");
        assertThat(e.line()).isEqualTo(12);
        assertThat(e.column()).isEqualTo(5);
        assertThat(e.detail()).isEqualTo("expected a size");
    }

    @Test
    void unknownColumnIsLeftOut() {
        assertThat(new ConfigException("m.yaml", 3, 0, "oops").getMessage())
                .isEqualTo("m.yaml:3: oops");
    }

    @Test
    void unknownLineLeavesOutLineAndColumn() {
        assertThat(new ConfigException("m.yaml", 0, 7, "oops").getMessage())
                .isEqualTo("m.yaml: oops");
        assertThat(new ConfigException("m.yaml", "no such file").getMessage())
                .isEqualTo("m.yaml: no such file");
    }

    @Test
    void isARuntimeException() {
        assertThat(new ConfigException("f", "x")).isInstanceOf(RuntimeException.class);
    }
}
