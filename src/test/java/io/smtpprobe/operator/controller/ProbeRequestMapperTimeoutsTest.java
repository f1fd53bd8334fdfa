package io.smtpprobe.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.api.v1alpha1.ProbeTimeouts;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Deadlines against the interval: shortened with a status warning, never longer than the next probe allows. */
class ProbeRequestMapperTimeoutsTest {
    final ProbeRequestMapper mapper = new ProbeRequestMapper("probe.example.test", "", Duration.ofSeconds(30));

    private static SmtpProbeSpec spec(String interval, String total, String run) {
        var spec = ProbeRequestMapperTest.spec("contoso.test");
        spec.setInterval(interval);
        var t = new ProbeTimeouts();
        t.setTotal(total);
        t.setRun(run);
        spec.setTimeouts(t);
        spec.setGreylistRetry("0s");
        return spec;
    }

    @Test
    void aTotalLongerThanTheIntervalIsShortenedToItWithAWarning() throws Exception {
        var plan = mapper.map(spec("1m", "10m", null));

        assertThat(plan.request().options().timeouts().total()).isEqualTo(Duration.ofMinutes(1));
        assertThat(plan.request().warnings()).containsExactly("spec.timeouts.total 10m is longer than spec.interval; shortened to 1m");
    }

    @Test
    void aRunLongerThanIntervalPlusTotalIsShortenedWithAWarning() throws Exception {
        var plan = mapper.map(spec("5m", "1m", "30m"));

        assertThat(plan.request().runDeadline()).isEqualTo(Duration.ofMinutes(6));
        assertThat(plan.request().warnings())
                .containsExactly("spec.timeouts.run 30m is longer than spec.interval plus spec.timeouts.total; shortened to 6m");
    }

    @Test
    void theDerivedRunDeadlineLeavesRoomForAGreylistRetryThatWaitedTheWholeInterval() throws Exception {
        var spec = ProbeRequestMapperTest.spec("contoso.test");
        spec.setInterval("5m");
        spec.setGreylistRetry("10m");

        var plan = mapper.map(spec);

        // the retry waits 5m (bounded by the interval), its dialogue has 2m; 2 × 2m + 5m is cut to 7m
        assertThat(plan.request().greylistRetry()).isEqualTo(Duration.ofMinutes(5));
        assertThat(plan.request().runDeadline()).isEqualTo(Duration.ofMinutes(7));
        assertThat(plan.request().warnings()).isEmpty();
    }

    @Test
    void deadlinesWithinTheIntervalAreKeptAsGiven() throws Exception {
        var plan = mapper.map(spec("10m", "1m", "3m"));

        assertThat(plan.request().options().timeouts().total()).isEqualTo(Duration.ofMinutes(1));
        assertThat(plan.request().runDeadline()).isEqualTo(Duration.ofMinutes(3));
        assertThat(plan.request().warnings()).isEmpty();
    }

    @Test
    void aTimeoutAboveItsMaximumIsAnInvalidSpecNamingTheField() {
        assertThatThrownBy(() -> mapper.map(spec("1h", "31m", null)))
                .hasMessage("spec.timeouts.total: 31m is longer than the maximum of 30m");
        assertThatThrownBy(() -> mapper.map(spec("1h", null, "2h")))
                .hasMessage("spec.timeouts.run: 2h is longer than the maximum of 1h");
    }
}
