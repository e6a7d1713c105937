package org.mmproto.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private static final List<String> KEYS = List.of("nid", "size", "cpus", "movable", "online",
            "private", "start");

    @Test
    void suggestsTheClosestKeyForATypo() {
        assertThat(Suggestions.closest("szie", KEYS)).contains("size");
        assertThat(Suggestions.closest("moveable", KEYS)).contains("movable");
        assertThat(Suggestions.closest("CPUS", KEYS)).contains("cpus");
    }

    @Test
    void suggestsNothingForAnUnrelatedWord() {
        assertThat(Suggestions.closest("bandwidth", KEYS)).isEmpty();
        assertThat(Suggestions.didYouMean("bandwidth", KEYS)).isEmpty();
    }

    @Test
    void didYouMeanIsAReadyToAppendPhrase() {
        assertThat(Suggestions.didYouMean("strat", KEYS)).isEqualTo(" (did you mean 'start'?)");
    }
}
