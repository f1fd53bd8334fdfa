package io.smtpprobe.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void compoundDurationsAddUp() {
        assertThat(Durations.parse("1h30m15s500ms")).isEqualTo(Duration.ofMillis(5_415_500));
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void unitlessOrNegativeIsRefused() {
        assertThatThrownBy(() -> Durations.parse("300")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("-5m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("99999999999999999999h")).isInstanceOf(IllegalArgumentException.class);
    }
}
