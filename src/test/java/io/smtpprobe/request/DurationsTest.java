package io.smtpprobe.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @Test
    void goStyleDurationsParse() {
        assertThat(Durations.parse("f", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("f", "10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("f", "1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("f", "1h30m15s500ms")).isEqualTo(Duration.ofMillis(5_415_500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "1d", "-5s", "0s", "5 s", "1.5s", "99999999999999999999h"})
    void badDurationsAreRefusedNamingTheField(String text) {
        assertThatThrownBy(() -> Durations.parse("--timeout", text)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("--timeout:");
    }

    @Test
    void formattingRoundTrips() {
        for (String s : new String[] {"500ms", "10s", "2m", "1h", "90s"}) {
            assertThat(Durations.parse("f", Durations.format(Durations.parse("f", s)))).isEqualTo(Durations.parse("f", s));
        }
    }
}
