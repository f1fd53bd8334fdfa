package io.smtpprobe.operator.status;

import static io.smtpprobe.operator.status.Diagnoses.FINGERPRINT_A;
import static io.smtpprobe.operator.status.Diagnoses.FINGERPRINT_B;
import static io.smtpprobe.operator.status.Diagnoses.acceptedOverTls;
import static io.smtpprobe.operator.status.Diagnoses.accepting;
import static io.smtpprobe.operator.status.Diagnoses.backupAcceptsRejected;
import static io.smtpprobe.operator.status.Diagnoses.backupAgrees;
import static io.smtpprobe.operator.status.Diagnoses.domain;
import static io.smtpprobe.operator.status.Diagnoses.report;
import static io.smtpprobe.operator.status.Diagnoses.withCertificate;
import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.operator.controller.MutableClock;
import io.smtpprobe.operator.controller.Reports;
import io.smtpprobe.operator.status.DiagnosisEvents.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiagnosisEventsTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    final SmtpProbeStatusAggregator aggregator = new SmtpProbeStatusAggregator(clock);
    final Instant inSixtyDays = clock.instant().plus(Duration.ofDays(60));
    SmtpProbeStatus stored;

    @Test
    void aChangedFingerprintIsAnnouncedOnceWithBothShortFingerprintsAndTheNewNotAfter() {
        assertThat(cycle(acceptedOverTls("contoso.test", inSixtyDays, FINGERPRINT_A))).as("first sight").isEmpty();
        assertThat(cycle(acceptedOverTls("contoso.test", inSixtyDays, FINGERPRINT_A))).as("unchanged").isEmpty();

        Instant renewed = inSixtyDays.plus(Duration.ofDays(90));
        assertThat(cycle(acceptedOverTls("contoso.test", renewed, FINGERPRINT_B))).containsExactly(new Event("Normal",
                "CertificateChanged", "mx1.contoso.test:25 certificate changed: aa11aa11aa11aa11 → bb22bb22bb22bb22, "
                        + "notAfter 2026-05-31T10:00:00Z"));
        assertThat(cycle(acceptedOverTls("contoso.test", renewed, FINGERPRINT_B))).isEmpty();
    }

    @Test
    void aProbeThatDidNotReachTlsSaysNothingAndLeavesNoFingerprintToCompareWith() {
        cycle(acceptedOverTls("contoso.test", inSixtyDays, FINGERPRINT_A));

        assertThat(cycle(Reports.allAccepted("contoso.test"))).isEmpty();
        // the status without TLS holds no fingerprint: the one after it is a first sight again, so says nothing
        assertThat(cycle(acceptedOverTls("contoso.test", inSixtyDays, FINGERPRINT_B))).isEmpty();
    }

    @Test
    void serversOfOnePoolWithTheirOwnCertificatesAreNoChange() {
        var pool = report(domain("contoso.test",
                withCertificate(accepting("mx.contoso.test", 10), inSixtyDays, FINGERPRINT_A),
                withCertificate(accepting("mx.contoso.test", 10).toBuilder().address("192.0.2.11").build(), inSixtyDays,
                        FINGERPRINT_B)));
        cycle(pool);

        assertThat(cycle(pool)).isEmpty();
    }

    @Test
    void backupMxDisagreementWarnsWhenItStartsAndTellsWhenItEnds() {
        assertThat(cycle(backupAcceptsRejected("fabrikam.test"))).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("Warning");
            assertThat(e.reason()).isEqualTo("BackupMxAcceptsRejected");
            assertThat(e.message()).contains("mx1.fabrikam.test", "mx2.fabrikam.test", "550 5.1.1", "accepted (250");
        });
        assertThat(cycle(backupAcceptsRejected("fabrikam.test"))).isEmpty();
        assertThat(cycle(Reports.userUnknown("fabrikam.test"))).as("not compared: Unknown says nothing").isEmpty();
        assertThat(cycle(backupAcceptsRejected("fabrikam.test"))).extracting(Event::reason).containsExactly("BackupMxAcceptsRejected");
        assertThat(cycle(backupAgrees("fabrikam.test"))).extracting(Event::type, Event::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Normal", "BackupMxAgrees"));
    }

    @Test
    void expiringSoonWarnsOnceThenAgainWhenExpiredAndTellsWhenRenewed() {
        Instant notAfter = clock.instant().plus(Duration.ofDays(10));
        assertThat(cycle(acceptedOverTls("contoso.test", notAfter, FINGERPRINT_A))).extracting(Event::type, Event::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Warning", "CertificateExpiringSoon"));
        clock.advance(Duration.ofDays(1));
        assertThat(cycle(acceptedOverTls("contoso.test", notAfter, FINGERPRINT_A))).isEmpty();
        clock.advance(Duration.ofDays(10));
        assertThat(cycle(acceptedOverTls("contoso.test", notAfter, FINGERPRINT_A))).extracting(Event::type, Event::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Warning", "CertificateExpired"));

        var renewed = cycle(acceptedOverTls("contoso.test", clock.instant().plus(Duration.ofDays(90)), FINGERPRINT_B));
        assertThat(renewed).extracting(Event::type, Event::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Normal", "CertificatesNotExpiringSoon"),
                org.assertj.core.groups.Tuple.tuple("Normal", "CertificateChanged"));
    }

    @Test
    void aStatusWithoutDiagnosesGivesNoEvents() {
        assertThat(cycle(Reports.userUnknown("fabrikam.test"))).isEmpty();
        assertThat(DiagnosisEvents.between(null, aggregator.probed(Reports.allAccepted("a.test"), null, 1, Duration.ofMinutes(5))))
                .isEmpty();
    }

    /** One probe cycle: the new status against the stored one, which it then replaces. */
    private List<Event> cycle(ProbeReport report) {
        var next = aggregator.probed(report, stored, 1, Duration.ofMinutes(5));
        var events = DiagnosisEvents.between(stored, next);
        stored = next;
        return events;
    }
}
