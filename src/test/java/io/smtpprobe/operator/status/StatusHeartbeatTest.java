package io.smtpprobe.operator.status;

import static io.smtpprobe.operator.controller.Reports.allAccepted;
import static io.smtpprobe.operator.controller.Reports.domain;
import static io.smtpprobe.operator.controller.Reports.report;
import static io.smtpprobe.operator.controller.Reports.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.api.v1alpha1.HistoryEntry;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.operator.controller.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which probes a heartbeat leaves unwritten: only those that found the stored verdict again, and only within the period. */
class StatusHeartbeatTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    final Duration interval = Duration.ofMinutes(5);
    final SmtpProbeStatusAggregator aggregator = new SmtpProbeStatusAggregator(clock);
    final ProbeReport unknown = report(domain("contoso.test",
            server("mx1.contoso.test", Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown")));
    int probes;

    /** An accepted dialogue that took a different time on each probe, as real ones do. */
    ProbeReport acceptedIn(long millis) {
        var plain = server("mx1.contoso.test", Stage.Quit, Reason.Accepted, 250, "2.1.5 Ok");
        var timed = new ServerResult(plain.host(), plain.address(), plain.port(), plain.preference(), plain.stage(),
                Reply.of(250, List.of("2.1.5 Ok")), plain.reason(), plain.extensions(), plain.dsnSupported(), null, null, null,
                Map.of(Stage.Connect, millis, Stage.RcptTo, millis / 2), plain.transcript());
        return report(domain("contoso.test", timed));
    }

    /** Runs the probe, and stores its status when the heartbeat says it must be written, as StatusWriter does. */
    SmtpProbeStatus cycle(StatusHeartbeat heartbeat, SmtpProbeStatus stored, ProbeReport report, List<Instant> written) {
        clock.advance(interval);
        probes++;
        var probed = heartbeat.stamp(aggregator.probed(report, stored, 1, interval));
        if (!heartbeat.mustWrite(stored, probed)) {
            return stored;
        }
        written.add(clock.instant());
        return probed;
    }

    @Test
    void offWritesEveryProbe() {
        var written = new ArrayList<Instant>();
        SmtpProbeStatus stored = null;
        for (int i = 0; i < 12; i++) {
            stored = cycle(StatusHeartbeat.OFF, stored, acceptedIn(10 + i), written);
        }
        assertThat(written).hasSize(12);
        assertThat(stored.heartbeat()).isNull();
        assertThat(stored.history()).hasSize(10);
    }

    /** An hour of healthy probes every 5 minutes with a 30-minute heartbeat: 2 writes instead of 12. */
    @Test
    void aSteadyVerdictIsWrittenOncePerHeartbeatWhateverItsLatencies() {
        var heartbeat = new StatusHeartbeat(Duration.ofMinutes(30));
        var written = new ArrayList<Instant>();
        SmtpProbeStatus stored = cycle(heartbeat, null, acceptedIn(10), written);
        for (int i = 1; i < 12; i++) {
            stored = cycle(heartbeat, stored, acceptedIn(10 + 7L * i), written);
        }

        assertThat(written).containsExactly(Instant.parse("2026-01-01T10:05:00Z"), Instant.parse("2026-01-01T10:35:00Z"));
        assertThat(stored.lastProbeTime()).isEqualTo("2026-01-01T10:35:00Z");
        assertThat(stored.heartbeat()).isEqualTo("30m");
        // the ring holds the written probes: one entry per heartbeat for a steady verdict
        assertThat(stored.history()).extracting(HistoryEntry::time).containsExactly("2026-01-01T10:05:00Z", "2026-01-01T10:35:00Z");
        assertThat(stored.flaps()).isZero();
    }

    @Test
    void aChangedVerdictIsWrittenInItsOwnCycleAndEveryFlipIsInTheHistory() {
        var heartbeat = new StatusHeartbeat(Duration.ofHours(1));
        var written = new ArrayList<Instant>();
        SmtpProbeStatus stored = cycle(heartbeat, null, acceptedIn(10), written);
        stored = cycle(heartbeat, stored, acceptedIn(11), written);
        stored = cycle(heartbeat, stored, unknown, written);
        assertThat(stored.reason()).isEqualTo("RecipientUnknown");
        assertThat(stored.lastProbeTime()).as("the failing probe itself, not a later one").isEqualTo("2026-01-01T10:15:00Z");
        assertThat(stored.consecutiveFailures()).isEqualTo(1);

        stored = cycle(heartbeat, stored, acceptedIn(12), written);
        assertThat(stored.reason()).isEqualTo("Accepted");
        assertThat(stored.lastProbeTime()).isEqualTo("2026-01-01T10:20:00Z");

        assertThat(written).containsExactly(Instant.parse("2026-01-01T10:05:00Z"), Instant.parse("2026-01-01T10:15:00Z"),
                Instant.parse("2026-01-01T10:20:00Z"));
        assertThat(stored.history()).extracting(HistoryEntry::reason).containsExactly("Accepted", "RecipientUnknown", "Accepted");
        assertThat(stored.flaps()).isEqualTo(2);
    }

    /** Alerts read consecutiveFailures: a count that moves is a change, so a failing resource is written every cycle. */
    @Test
    void aFailingResourceIsWrittenEveryCycleBecauseItsFailureCountMoves() {
        var heartbeat = new StatusHeartbeat(Duration.ofHours(1));
        var written = new ArrayList<Instant>();
        SmtpProbeStatus stored = null;
        for (int i = 0; i < 4; i++) {
            stored = cycle(heartbeat, stored, unknown, written);
        }
        assertThat(written).hasSize(4);
        assertThat(stored.consecutiveFailures()).isEqualTo(4);
    }

    @Test
    void aStatusWrittenWithoutTheHeartbeatIsRewrittenOnceToNameIt() {
        var written = new ArrayList<Instant>();
        SmtpProbeStatus stored = cycle(StatusHeartbeat.OFF, null, acceptedIn(10), written);
        var heartbeat = new StatusHeartbeat(Duration.ofHours(1));
        stored = cycle(heartbeat, stored, acceptedIn(10), written);
        stored = cycle(heartbeat, stored, acceptedIn(10), written);
        assertThat(written).hasSize(2);
        assertThat(stored.heartbeat()).isEqualTo("1h");
    }

    @Test
    void aStoredProbeTimeInTheFutureIsNoReasonToStaySilent() {
        var heartbeat = new StatusHeartbeat(Duration.ofHours(1));
        var stored = heartbeat.stamp(aggregator.probed(acceptedIn(10), null, 1, clock.instant().plus(Duration.ofHours(2)), interval));
        var probed = heartbeat.stamp(aggregator.probed(acceptedIn(10), stored, 1, clock.instant(), interval));
        assertThat(heartbeat.mustWrite(stored, probed)).isTrue();
    }

    @Test
    void onlyLatenciesAndTimesAreMeasurements() {
        var first = aggregator.probed(acceptedIn(10), null, 1, interval);
        clock.advance(interval);
        var again = aggregator.probed(acceptedIn(99), first, 1, interval);
        assertThat(StatusDiff.changed(first, again)).as("latencies are stored, so the full diff sees them").isTrue();
        assertThat(StatusDiff.sameVerdict(first, again)).isTrue();
        assertThat(StatusDiff.sameVerdict(first, aggregator.probed(unknown, first, 1, interval))).isFalse();
    }
}
