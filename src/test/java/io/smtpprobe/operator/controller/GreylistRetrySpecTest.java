package io.smtpprobe.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code spec.greylistRetry}: the operator's default, off with 0s, and never longer than the interval. */
class GreylistRetrySpecTest {
    final ProbeRequestMapper mapper = new ProbeRequestMapper("probe.example.test", "", Duration.ofSeconds(30), Duration.ofMinutes(5));

    static SmtpProbeSpec spec(String interval, String greylistRetry) {
        var spec = new SmtpProbeSpec();
        spec.setDomains(List.of("grey.test"));
        spec.setInterval(interval);
        spec.setGreylistRetry(greylistRetry);
        return spec;
    }

    @Test
    void unsetItIsTheOperatorsDefaultLikeAnMta() throws Exception {
        assertThat(mapper.map(spec("10m", null)).request().greylistRetry()).isEqualTo(Duration.ofMinutes(5));
        assertThat(new ProbeRequestMapper("probe.example.test", "", Duration.ofSeconds(30), Duration.ofMinutes(2))
                .map(spec("10m", null)).request().greylistRetry()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void setItIsTakenAndZeroTurnsItOff() throws Exception {
        assertThat(mapper.map(spec("10m", "90s")).request().greylistRetry()).isEqualTo(Duration.ofSeconds(90));
        assertThat(mapper.map(spec("10m", "0s")).request().greylistRetry()).isZero();
    }

    @Test
    void aDelayLongerThanTheIntervalIsShortenedToTheInterval() throws Exception {
        assertThat(mapper.map(spec("1m", null)).request().greylistRetry()).isEqualTo(Duration.ofMinutes(1));
        assertThat(mapper.map(spec("5m", "1h")).request().greylistRetry()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aMalformedDelayIsRefusedByItsSpecName() {
        assertThatThrownBy(() -> mapper.map(spec("5m", "5 minutes")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("spec.greylistRetry")
                .hasMessageContaining("invalid duration");
    }
}
