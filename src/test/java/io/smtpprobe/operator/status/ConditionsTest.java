package io.smtpprobe.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void transitionTimeStaysWhileStatusIsUnchanged() {
        var first = Conditions.set(List.of(), "Ready", "False", "RecipientUnknown", "a", 1, T0);
        var second = Conditions.set(first, "Ready", "False", "ConnectTimeout", "b", 2, T0.plus(Duration.ofHours(1)));
        var ready = Conditions.find(second, "Ready").orElseThrow();
        assertThat(ready.getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(ready.getReason()).isEqualTo("ConnectTimeout");
        assertThat(ready.getMessage()).isEqualTo("b");
        assertThat(ready.getObservedGeneration()).isEqualTo(2L);
    }

    @Test
    void transitionTimeMovesWhenStatusFlips() {
        var first = Conditions.set(List.of(), "Ready", "False", "RecipientUnknown", "a", 1, T0);
        var second = Conditions.set(first, "Ready", "True", "Accepted", "ok", 1, T0.plusSeconds(300));
        assertThat(Conditions.find(second, "Ready").orElseThrow().getLastTransitionTime()).isEqualTo("2026-01-01T10:05:00Z");
    }

    @Test
    void otherConditionsKeepTheirPlaceAndTheInputIsNotModified() {
        var start = Conditions.set(Conditions.set(List.of(), "Ready", "True", "Accepted", "", 1, T0), "Suspended", "True", "Suspended", "", 1, T0);
        var updated = Conditions.set(start, "Ready", "False", "RelayDenied", "", 2, T0);
        assertThat(updated).extracting(c -> c.getType()).containsExactly("Ready", "Suspended");
        assertThat(Conditions.find(start, "Ready").orElseThrow().getStatus()).isEqualTo("True");
        assertThat(Conditions.remove(updated, "Suspended")).extracting(c -> c.getType()).containsExactly("Ready");
    }

    @Test
    void timestampsHaveSecondPrecision() {
        var c = Conditions.set(List.of(), "Ready", "True", "Accepted", "", 1, T0.plusMillis(1234));
        assertThat(c.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T10:00:01Z");
    }
}
