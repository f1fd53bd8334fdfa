package io.smtpprobe.operator.status;

import static io.smtpprobe.operator.status.Diagnoses.FINGERPRINT_A;
import static io.smtpprobe.operator.status.Diagnoses.accepting;
import static io.smtpprobe.operator.status.Diagnoses.acceptedOverTls;
import static io.smtpprobe.operator.status.Diagnoses.backupAcceptsRejected;
import static io.smtpprobe.operator.status.Diagnoses.backupAgrees;
import static io.smtpprobe.operator.status.Diagnoses.domain;
import static io.smtpprobe.operator.status.Diagnoses.report;
import static io.smtpprobe.operator.status.Diagnoses.withCertificate;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.operator.controller.MutableClock;
import io.smtpprobe.operator.controller.Reports;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DiagnosisConditionsTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    final SmtpProbeStatusAggregator aggregator = new SmtpProbeStatusAggregator(clock);
    final Duration fiveMinutes = Duration.ofMinutes(5);

    @Test
    void backupAcceptingWhatThePrimaryRejectsMakesTheMxInconsistentNamingBothHostsAndReplies() {
        var status = probe(backupAcceptsRejected("fabrikam.test"), null, 4);

        var mx = condition(status, Conditions.MX_CONSISTENT);
        assertThat(mx.getStatus()).isEqualTo("False");
        assertThat(mx.getReason()).isEqualTo("BackupMxAcceptsRejected");
        assertThat(mx.getMessage()).isEqualTo("fabrikam.test: backup MX accepts what a preferred MX rejects (a backscatter path): "
                + "MX 10 mx1.fabrikam.test (192.0.2.10:25) RCPT 550 5.1.1 User unknown, "
                + "but MX 20 mx2.fabrikam.test (192.0.2.20:25) accepted (250 2.1.5 Ok)");
        assertThat(mx.getObservedGeneration()).isEqualTo(4L);
        assertThat(mx.getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(condition(status, Conditions.READY).getReason()).as("the verdict is the primary's").isEqualTo("RecipientUnknown");
    }

    @Test
    void mxConsistencyKeepsItsTransitionTimeWhileItHoldsAndMovesItOnAFlip() {
        var s1 = probe(backupAcceptsRejected("a.test"), null, 1);
        clock.advance(fiveMinutes);
        var s2 = probe(backupAcceptsRejected("a.test"), s1, 1);
        clock.advance(fiveMinutes);
        var s3 = probe(backupAgrees("a.test"), s2, 2);

        assertThat(condition(s2, Conditions.MX_CONSISTENT).getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
        var fixed = condition(s3, Conditions.MX_CONSISTENT);
        assertThat(fixed.getStatus()).isEqualTo("True");
        assertThat(fixed.getReason()).isEqualTo("BackupMxAgrees");
        assertThat(fixed.getMessage()).contains("a.test");
        assertThat(fixed.getLastTransitionTime()).isEqualTo("2026-01-01T10:10:00Z");
        assertThat(fixed.getObservedGeneration()).isEqualTo(2L);
    }

    @Test
    void aProbeThatComparesNoMxHostsAddsNoMxConditionButTurnsAnExistingOneUnknown() {
        var single = probe(Reports.userUnknown("a.test"), null, 1);
        assertThat(Conditions.find(single.conditions(), Conditions.MX_CONSISTENT)).isEmpty();

        var flagged = probe(backupAcceptsRejected("a.test"), single, 1);
        var unreached = probe(Reports.userUnknown("a.test"), flagged, 1);
        var unknown = condition(unreached, Conditions.MX_CONSISTENT);
        assertThat(unknown.getStatus()).isEqualTo("Unknown");
        assertThat(unknown.getReason()).isEqualTo("BackupMxNotCompared");
    }

    @Test
    void certificateEndingWithinFourteenDaysIsExpiringSoonWithHostAndNotAfter() {
        var status = probe(acceptedOverTls("contoso.test", clock.instant().plus(Duration.ofDays(3)), FINGERPRINT_A), null, 1);

        var soon = condition(status, Conditions.CERTIFICATE_EXPIRING_SOON);
        assertThat(soon.getStatus()).isEqualTo("True");
        assertThat(soon.getReason()).isEqualTo("CertificateExpiringSoon");
        assertThat(soon.getMessage()).isEqualTo("mx1.contoso.test:25 certificate expires at 2026-01-04T10:00:00Z (in 3 days)");
        assertThat(condition(status, Conditions.READY).getStatus()).as("an expiring certificate still works").isEqualTo("True");
    }

    @Test
    void certificateValidForLongerIsNotExpiringSoonAndNamesTheFirstToEnd() {
        var report = report(domain("contoso.test",
                withCertificate(accepting("mx1.contoso.test", 10), clock.instant().plus(Duration.ofDays(60)), FINGERPRINT_A),
                withCertificate(accepting("mx2.contoso.test", 20), clock.instant().plus(Duration.ofDays(30)), FINGERPRINT_A)));

        var ok = condition(probe(report, null, 1), Conditions.CERTIFICATE_EXPIRING_SOON);

        assertThat(ok.getStatus()).isEqualTo("False");
        assertThat(ok.getReason()).isEqualTo("CertificatesNotExpiringSoon");
        assertThat(ok.getMessage()).isEqualTo("every certificate is valid for more than 14 days; the first to end: "
                + "mx2.contoso.test:25 certificate expires at 2026-01-31T10:00:00Z (in 30 days)");
    }

    @Test
    void anExpiredCertificateIsExpiringSoonWithTheExpiredReasonAndComesFirst() {
        var report = report(domain("contoso.test",
                withCertificate(accepting("mx1.contoso.test", 10), clock.instant().plus(Duration.ofDays(5)), FINGERPRINT_A),
                withCertificate(accepting("mx2.contoso.test", 20), clock.instant().minus(Duration.ofDays(2)), FINGERPRINT_A)));

        var expired = condition(probe(report, null, 1), Conditions.CERTIFICATE_EXPIRING_SOON);

        assertThat(expired.getStatus()).isEqualTo("True");
        assertThat(expired.getReason()).isEqualTo("CertificateExpired");
        assertThat(expired.getMessage()).isEqualTo("mx2.contoso.test:25 certificate expired at 2025-12-30T10:00:00Z"
                + " (and 1 more within 14 days)");
    }

    @Test
    void theWarningPeriodIsASetting() {
        var monthly = new SmtpProbeStatusAggregator(clock, new DiagnosisConditions(Duration.ofDays(45)));
        var report = acceptedOverTls("contoso.test", clock.instant().plus(Duration.ofDays(30)), FINGERPRINT_A);

        assertThat(condition(monthly.probed(report, null, 1, fiveMinutes), Conditions.CERTIFICATE_EXPIRING_SOON).getStatus())
                .isEqualTo("True");
        assertThat(condition(probe(report, null, 1), Conditions.CERTIFICATE_EXPIRING_SOON).getStatus()).isEqualTo("False");
    }

    @Test
    void withoutAnyCertificateTheConditionIsAbsentUntilOneWasSeenThenUnknown() {
        var plain = probe(Reports.allAccepted("contoso.test"), null, 1);
        assertThat(Conditions.find(plain.conditions(), Conditions.CERTIFICATE_EXPIRING_SOON)).isEmpty();

        var seen = probe(acceptedOverTls("contoso.test", clock.instant().plus(Duration.ofDays(3)), FINGERPRINT_A), plain, 1);
        clock.advance(fiveMinutes);
        var notSeen = probe(Reports.allAccepted("contoso.test"), seen, 1);

        var unknown = condition(notSeen, Conditions.CERTIFICATE_EXPIRING_SOON);
        assertThat(unknown.getStatus()).isEqualTo("Unknown");
        assertThat(unknown.getReason()).isEqualTo("NoCertificateSeen");
        assertThat(unknown.getLastTransitionTime()).isEqualTo("2026-01-01T10:05:00Z");
    }

    @Test
    void expiringSoonKeepsItsTransitionTimeAcrossCycles() {
        Instant notAfter = clock.instant().plus(Duration.ofDays(10));
        var s1 = probe(acceptedOverTls("contoso.test", notAfter, FINGERPRINT_A), null, 1);
        clock.advance(Duration.ofDays(1));
        var s2 = probe(acceptedOverTls("contoso.test", notAfter, FINGERPRINT_A), s1, 1);

        var soon = condition(s2, Conditions.CERTIFICATE_EXPIRING_SOON);
        assertThat(soon.getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(soon.getMessage()).endsWith("(in 9 days)");
    }

    @Test
    void theFingerprintIsStoredWithTheCertificate() {
        var status = probe(acceptedOverTls("contoso.test", clock.instant().plus(Duration.ofDays(30)), FINGERPRINT_A), null, 1);

        assertThat(status.domains().get(0).servers().get(0).tls().certificate().sha256()).isEqualTo(FINGERPRINT_A);
    }

    private SmtpProbeStatus probe(ProbeReport report, SmtpProbeStatus previous, long generation) {
        return aggregator.probed(report, previous, generation, fiveMinutes);
    }

    private static Condition condition(SmtpProbeStatus status, String type) {
        return Conditions.find(status.conditions(), type).orElseThrow(() -> new AssertionError("no " + type + " in " + status.conditions()));
    }
}
