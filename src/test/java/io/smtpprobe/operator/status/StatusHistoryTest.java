package io.smtpprobe.operator.status;

import static io.smtpprobe.operator.controller.Reports.allAccepted;
import static io.smtpprobe.operator.controller.Reports.domain;
import static io.smtpprobe.operator.controller.Reports.report;
import static io.smtpprobe.operator.controller.Reports.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.api.v1alpha1.HistoryEntry;
import io.smtpprobe.api.v1alpha1.Outcome;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Stage;
import io.smtpprobe.operator.controller.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusHistoryTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    final Duration interval = Duration.ofMinutes(1);
    final ProbeReport accepted = allAccepted("contoso.test");
    final ProbeReport unknown = report(domain("contoso.test",
            server("mx1.contoso.test", Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown")));

    SmtpProbeStatusAggregator aggregator(int entries) {
        return new SmtpProbeStatusAggregator(clock, new DiagnosisConditions(DiagnosisConditions.DEFAULT_EXPIRY_WARNING),
                new StatusBudget(), new StatusHistory(entries));
    }

    SmtpProbeStatus probe(SmtpProbeStatusAggregator aggregator, ProbeReport report, SmtpProbeStatus previous) {
        clock.advance(interval);
        return aggregator.probed(report, previous, 1, interval);
    }

    @Test
    void eachProbeAddsOneEntryWithTimeResultReasonReadyAndLatencyInTheSameStatus() {
        var status = probe(aggregator(10), unknown, null);

        assertThat(status.history()).containsExactly(
                new HistoryEntry("2026-01-01T10:01:00Z", Outcome.PermanentFailure, "RecipientUnknown", false, 3L));
        assertThat(status.lastFailureTime()).isEqualTo("2026-01-01T10:01:00Z").isEqualTo(status.lastProbeTime());
        assertThat(status.lastSuccessTime()).isNull();
        assertThat(status.flaps()).isZero();
    }

    @Test
    void theRingKeepsTheLastEntriesOldestFirst() {
        var aggregator = aggregator(3);
        SmtpProbeStatus status = null;
        for (int i = 0; i < 5; i++) {
            status = probe(aggregator, i % 2 == 0 ? accepted : unknown, status);
        }

        assertThat(status.history()).extracting(HistoryEntry::time)
                .containsExactly("2026-01-01T10:03:00Z", "2026-01-01T10:04:00Z", "2026-01-01T10:05:00Z");
        assertThat(status.history()).extracting(HistoryEntry::reason).containsExactly("Accepted", "RecipientUnknown", "Accepted");
        assertThat(status.flaps()).as("two flips within the ring, whatever flipped before it").isEqualTo(2);
        assertThat(status.lastSuccessTime()).isEqualTo("2026-01-01T10:05:00Z");
        assertThat(status.lastFailureTime()).isEqualTo("2026-01-01T10:04:00Z");
    }

    @Test
    void aSteadyResultHasNoFlaps() {
        var aggregator = aggregator(10);
        SmtpProbeStatus status = null;
        for (int i = 0; i < 12; i++) {
            status = probe(aggregator, unknown, status);
        }
        assertThat(status.history()).hasSize(10);
        assertThat(status.flaps()).isZero();
        assertThat(status.consecutiveFailures()).isEqualTo(12);
    }

    @Test
    void anExpectedRefusalIsASuccessOfTheHistory() {
        var expectation = new Expectation(Set.of(Reason.RecipientUnknown), null, null);
        clock.advance(interval);
        var status = aggregator(10).probed(unknown, expectation, null, 1, clock.instant(), interval);

        assertThat(status.history().get(0).ready()).isTrue();
        assertThat(status.history().get(0).result()).as("the result still says what happened").isEqualTo(Outcome.PermanentFailure);
        assertThat(status.lastSuccessTime()).isEqualTo(status.lastProbeTime());
    }

    @Test
    void aBrokenRunIsAFailedEntryWithoutLatency() {
        var aggregator = aggregator(10);
        var first = probe(aggregator, accepted, null);
        clock.advance(interval);
        var failed = aggregator.failed(new IllegalStateException("boom"), first, 1, interval);

        assertThat(failed.history()).extracting(HistoryEntry::reason).containsExactly("Accepted", "ProbeError");
        assertThat(failed.history().get(1).latencyMs()).isNull();
        assertThat(failed.flaps()).isEqualTo(1);
        assertThat(failed.lastSuccessTime()).isEqualTo(first.lastProbeTime());
    }

    @Test
    void anInvalidSpecAndASuspensionKeepTheHistoryWithoutAddingToIt() {
        var aggregator = aggregator(10);
        var probed = probe(aggregator, accepted, probe(aggregator, unknown, null));

        var invalid = aggregator.invalid("spec.port: out of range", probed, 2);
        var suspended = aggregator.suspended(probed, 2);

        for (var status : new SmtpProbeStatus[] {invalid, suspended}) {
            assertThat(status.history()).isEqualTo(probed.history());
            assertThat(status.flaps()).isEqualTo(1);
            assertThat(status.lastSuccessTime()).isEqualTo(probed.lastSuccessTime());
            assertThat(status.lastFailureTime()).isEqualTo(probed.lastFailureTime());
        }
    }

    @Test
    void theSameCyclePublishedAgainOnAFreshObjectIsOneEntry() {
        var aggregator = aggregator(10);
        var first = probe(aggregator, unknown, null);
        var again = aggregator.probed(unknown, first, 1, clock.instant(), interval);

        assertThat(again.history()).isEqualTo(first.history());
    }

    @Test
    void theRingLengthIsASettingWithinBounds() {
        assertThat(new StatusHistory().entries()).isEqualTo(10);
        assertThatThrownBy(() -> new StatusHistory(0)).hasMessageContaining("smtpprobe.status-history must be within 1..50");
        assertThatThrownBy(() -> new StatusHistory(51)).hasMessageContaining("1..50");
    }
}
