package io.smtpprobe.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.HostPort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** When the control target is asked, and how one answer serves a burst of failures. */
class EgressCheckTest {

    private final MovableClock clock = new MovableClock();
    private final List<CompletableFuture<String>> controlProbes = new ArrayList<>();
    private final EgressCheck check = new EgressCheck(new EgressCheck.Settings(new HostPort("control.test", 25), 3,
            Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(5)), (target, timeout) -> {
                CompletableFuture<String> probe = new CompletableFuture<>();
                controlProbes.add(probe);
                return probe;
            }, clock);

    private Optional<String> failed(String domain) {
        return check.controlFailure(domain).toCompletableFuture().getNow(null);
    }

    @Test
    void fewerFailingDomainsThanTheThresholdNeverAskTheControlTarget() {
        assertThat(failed("a.test")).isEmpty();
        assertThat(failed("b.test")).isEmpty();
        assertThat(failed("a.test")).as("the same domain again is not a second domain").isEmpty();
        assertThat(controlProbes).isEmpty();
    }

    @Test
    void failuresOutsideTheWindowDoNotAddUp() {
        failed("a.test");
        failed("b.test");
        clock.advance(Duration.ofSeconds(61));
        assertThat(failed("c.test")).isEmpty();
        assertThat(controlProbes).isEmpty();
    }

    @Test
    void aBurstOfFailuresCostsOneControlProbeAndItsVerdictIsKept() {
        failed("a.test");
        failed("b.test");
        var third = check.controlFailure("c.test").toCompletableFuture();
        var fourth = check.controlFailure("d.test").toCompletableFuture();
        assertThat(controlProbes).hasSize(1);
        assertThat(third).isNotDone();

        controlProbes.get(0).complete("ConnectRefused: Connection refused");

        assertThat(third.join()).contains("ConnectRefused: Connection refused");
        assertThat(fourth.join()).contains("ConnectRefused: Connection refused");
        clock.advance(Duration.ofSeconds(20));
        assertThat(failed("e.test")).as("kept: a failure right after is judged without a probe").contains("ConnectRefused: Connection refused");
        assertThat(controlProbes).hasSize(1);

        clock.advance(Duration.ofSeconds(61));
        assertThat(failed("f.test")).as("the verdict expired and one domain is below the threshold").isEmpty();
        assertThat(controlProbes).hasSize(1);
    }

    @Test
    void aControlTargetThatAnswersLeavesTheReasonsAsTheyWere() {
        failed("a.test");
        failed("b.test");
        var third = check.controlFailure("c.test").toCompletableFuture();
        controlProbes.get(0).complete(null);
        assertThat(third.join()).isEmpty();
        assertThat(failed("d.test")).isEmpty();
        assertThat(controlProbes).hasSize(1);
    }

    @Test
    void aBrokenControlProbeBlamesNobodyAndIsNotKept() {
        failed("a.test");
        failed("b.test");
        var third = check.controlFailure("c.test").toCompletableFuture();
        controlProbes.get(0).completeExceptionally(new IllegalStateException("bug"));
        assertThat(third.join()).isEmpty();
        failed("d.test");
        assertThat(controlProbes).as("asked again on the next failure").hasSize(2);
    }

    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
