package io.smtpprobe.operator.status;

import static io.smtpprobe.operator.controller.Reports.allAccepted;
import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.operator.controller.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request's warnings (a possible homograph...) go into .status beside the verdict, which they never change. */
class StatusWarningsTest {
    static final String WARNING = "domain label 'p\u0430ypal' mixes Latin and Cyrillic scripts (possible homograph)";

    final SmtpProbeStatusAggregator aggregator = new SmtpProbeStatusAggregator(new MutableClock(Instant.parse("2026-01-01T10:00:00Z")));

    @Test
    void warningsAreShownAndTheVerdictStands() {
        var status = aggregator.probed(allAccepted("xn--pypal-4ve.test").withWarnings(List.of(WARNING)), null, 1, Duration.ofMinutes(5));
        assertThat(status.warnings()).containsExactly(WARNING);
        assertThat(status.reason()).isEqualTo("Accepted");
        assertThat(Conditions.find(status.conditions(), "Ready").orElseThrow().getStatus()).isEqualTo("True");
    }

    @Test
    void aStatusWithoutWarningsHasNoWarningsField() {
        var status = aggregator.probed(allAccepted("contoso.test"), null, 1, Duration.ofMinutes(5));
        assertThat(status.warnings()).isNull();
    }

    @Test
    void aSuspendedProbeKeepsTheLastWarningsAndAnInvalidSpecHasNone() {
        var probed = aggregator.probed(allAccepted("xn--pypal-4ve.test").withWarnings(List.of(WARNING)), null, 1, Duration.ofMinutes(5));
        assertThat(aggregator.suspended(probed, 2).warnings()).containsExactly(WARNING);
        assertThat(aggregator.invalid("spec.port: out of range", probed, 3).warnings()).isNull();
    }
}
