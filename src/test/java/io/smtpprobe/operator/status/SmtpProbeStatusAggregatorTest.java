package io.smtpprobe.operator.status;

import io.smtpprobe.operator.controller.Reports;
import io.smtpprobe.operator.controller.MutableClock;
import static io.smtpprobe.operator.controller.Reports.accepted;
import static io.smtpprobe.operator.controller.Reports.allAccepted;
import static io.smtpprobe.operator.controller.Reports.domain;
import static io.smtpprobe.operator.controller.Reports.report;
import static io.smtpprobe.operator.controller.Reports.server;
import static io.smtpprobe.operator.controller.Reports.userUnknown;
import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SmtpProbeStatusAggregatorTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    final SmtpProbeStatusAggregator aggregator = new SmtpProbeStatusAggregator(clock);
    final Duration fiveMinutes = Duration.ofMinutes(5);

    @Test
    void everyDomainAcceptedMakesTheProbeReady() {
        var status = aggregator.probed(allAccepted("contoso.test", "fabrikam.test"), null, 3, fiveMinutes);
        assertThat(status.result()).isEqualTo(io.smtpprobe.api.v1alpha1.Outcome.Success);
        assertThat(status.reason()).isEqualTo("Accepted");
        assertThat(status.observedGeneration()).isEqualTo(3);
        assertThat(status.lastProbeTime()).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(status.nextProbeTime()).isEqualTo("2026-01-01T10:05:00Z");
        assertThat(status.consecutiveFailures()).isZero();
        var ready = Conditions.find(status.conditions(), "Ready").orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("True");
        assertThat(ready.getReason()).isEqualTo("Accepted");
        assertThat(status.domains()).extracting(d -> d.domain()).containsExactly("contoso.test", "fabrikam.test");
    }

    @Test
    void acceptedDomainIsDescribedAsAcceptedNotByItsQuit() {
        var status = aggregator.probed(allAccepted("contoso.test"), null, 1, fiveMinutes);

        assertThat(status.message()).startsWith("contoso.test: mx1.contoso.test").contains("accepted (250 2.1.5 Ok)").doesNotContain("QUIT");
        assertThat(status.domains().get(0).message()).isEqualTo(status.message());
    }

    @Test
    void rejectedRecipientNamesDomainServerCommandAndReply() {
        var report = report(domain("contoso.test", accepted("mx1.contoso.test")),
                domain("fabrikam.test", server("mx1.fabrikam.test", Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown")));
        var status = aggregator.probed(report, null, 1, fiveMinutes);
        assertThat(status.message()).isEqualTo("fabrikam.test: mx1.fabrikam.test (127.0.0.1:25) RCPT 550 5.1.1 User unknown");
        assertThat(status.domains().get(1).message()).as("the domain's message reads like the status message")
                .isEqualTo(status.message());
        assertThat(status.reason()).isEqualTo("RecipientUnknown");
        var ready = Conditions.find(status.conditions(), "Ready").orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("RecipientUnknown");
        var server = status.domains().get(1).servers().get(0);
        assertThat(server.reply().code()).isEqualTo(550);
        assertThat(server.reply().enhancedCode()).isEqualTo("5.1.1");
        assertThat(server.latencyMs()).containsEntry("Connect", 3L);
    }

    @Test
    void permanentFailureOutranksTransientOneInTheMessage() {
        var report = report(
                domain("a.test", server("mx.a.test", Stage.RcptTo, Reason.Greylisted, 451, "4.7.1 Try later")),
                domain("b.test", server("mx.b.test", Stage.MailFrom, Reason.SenderRejected, 553, "5.1.7 Bad sender")));
        assertThat(aggregator.probed(report, null, 1, fiveMinutes).message())
                .isEqualTo("b.test: mx.b.test (127.0.0.1:25) MAIL 553 5.1.7 Bad sender (and 1 more failing)");
    }

    @Test
    void dnsFailureWithoutServersUsesTheDomainMessageOrTheReasonExplanation() {
        var status = aggregator.probed(report(Reports.dnsFailure("nxdomain.test", Reason.DnsNameNotFound)), null, 1, fiveMinutes);
        assertThat(status.message()).startsWith("nxdomain.test: The domain does not exist");
        assertThat(status.domains().get(0).servers()).isEmpty();
    }

    @Test
    void consecutiveFailuresCountUpAndResetOnSuccess() {
        var s1 = aggregator.probed(userUnknown("a.test"), null, 1, fiveMinutes);
        var s2 = aggregator.probed(userUnknown("a.test"), s1, 1, fiveMinutes);
        assertThat(s2.consecutiveFailures()).isEqualTo(2);
        assertThat(aggregator.probed(allAccepted("a.test"), s2, 1, fiveMinutes).consecutiveFailures()).isZero();
    }

    @Test
    void lastResultChangeTimeMovesOnlyWhenTheResultChanges() {
        var s1 = aggregator.probed(userUnknown("a.test"), null, 1, fiveMinutes);
        clock.advance(fiveMinutes);
        var s2 = aggregator.probed(userUnknown("a.test"), s1, 1, fiveMinutes);
        assertThat(s2.lastResultChangeTime()).isEqualTo("2026-01-01T10:00:00Z");
        clock.advance(fiveMinutes);
        var s3 = aggregator.probed(allAccepted("a.test"), s2, 1, fiveMinutes);
        assertThat(s3.lastResultChangeTime()).isEqualTo("2026-01-01T10:10:00Z");
        assertThat(Conditions.find(s3.conditions(), "Ready").orElseThrow().getLastTransitionTime()).isEqualTo("2026-01-01T10:10:00Z");
    }

    @Test
    void sameSuccessLaterDiffersOnlyInProbeTimes() {
        var s1 = aggregator.probed(allAccepted("a.test"), null, 1, fiveMinutes);
        clock.advance(fiveMinutes);
        var s2 = aggregator.probed(allAccepted("a.test"), s1, 1, fiveMinutes);
        assertThat(StatusDiff.equalIgnoringProbeTimes(s1, s2)).isTrue();
        assertThat(s2).isNotEqualTo(s1);
        assertThat(StatusDiff.changed(s2, aggregator.probed(userUnknown("a.test"), s2, 1, fiveMinutes))).isTrue();
    }

    @Test
    void listsAreCappedAndTextTruncated() {
        var servers = IntStream.range(0, 15)
                .mapToObj(i -> server("mx" + i + ".big.test", Stage.RcptTo, Reason.RelayDenied, 554, "5.7.1 " + "x".repeat(1000)))
                .toArray(io.smtpprobe.core.ServerResult[]::new);
        var status = aggregator.probed(report(domain("big.test", servers)), null, 1, fiveMinutes);
        var domain = status.domains().get(0);
        assertThat(domain.servers()).hasSize(DomainStatuses.MAX_SERVERS);
        assertThat(domain.mx()).hasSize(DomainStatuses.MAX_MX);
        assertThat(domain.servers().get(0).reply().text()).hasSize(DomainStatuses.MAX_TEXT).endsWith("...");
        assertThat(status.message()).hasSizeLessThanOrEqualTo(SmtpProbeStatusAggregator.MAX_MESSAGE);
    }

    @Test
    void controlCharactersNeverReachTheStatus() {
        var report = new ProbeReport(Outcome.PermanentFailure, Reason.PermanentFailure, List.of(new DomainResult("a.test",
                Outcome.PermanentFailure, Reason.PermanentFailure, "bad\r\nline", List.of(), List.of())));
        var status = aggregator.probed(report, null, 1, fiveMinutes);
        assertThat(status.domains().get(0).message()).isEqualTo("a.test: DNS bad\\x0d\\x0aline");
        assertThat(status.message()).isEqualTo("a.test: DNS bad\\x0d\\x0aline");
    }

    /** The status is the second guard: text that skipped the engine's escaping is escaped here, C1 and U+2028 included. */
    @Test
    void c1AndLineSeparatorsInServerTextNeverReachTheStatus() {
        String evil = "5.7.1 spoof\u0085Ready: True\u2028\u009b2J\u2029end";
        var report = report(domain("evil.test", server("mx.evil.test", Stage.RcptTo, Reason.RelayDenied, 554, evil)));

        var status = aggregator.probed(report, null, 1, fiveMinutes);

        var domain = status.domains().get(0);
        var texts = List.of(status.message(), domain.message(), domain.servers().get(0).reply().text(),
                Conditions.find(status.conditions(), "Ready").orElseThrow().getMessage());
        assertThat(texts).allSatisfy(text -> {
            assertThat(text.codePoints()).noneMatch(io.smtpprobe.core.ServerText::isControl);
            assertThat(text).contains("spoof\\x85Ready: True\\u2028\\x9b2J\\u2029end");
        });
    }

    /** Text the engine escaped already keeps its escapes: escaping twice would double every backslash. */
    @Test
    void alreadyEscapedServerTextIsStoredAsIs() {
        var report = report(domain("esc.test", server("mx.esc.test", Stage.RcptTo, Reason.RelayDenied, 554, "5.7.1 bell\\x07 here")));

        var status = aggregator.probed(report, null, 1, fiveMinutes);

        assertThat(status.domains().get(0).servers().get(0).reply().text()).isEqualTo("5.7.1 bell\\x07 here");
        assertThat(status.message()).endsWith("RCPT 554 5.7.1 bell\\x07 here");
    }

    @Test
    void invalidSpecDropsOldResultsAndSaysWhy() {
        var s1 = aggregator.probed(allAccepted("a.test"), null, 1, fiveMinutes);
        var invalid = aggregator.invalid("spec.mailFrom: 'a\\x0d' must be ...", s1, 2);
        assertThat(invalid.reason()).isEqualTo("InvalidSpec");
        assertThat(invalid.result()).isNull();
        assertThat(invalid.domains()).isEmpty();
        assertThat(invalid.nextProbeTime()).isNull();
        var ready = Conditions.find(invalid.conditions(), "Ready").orElseThrow();
        assertThat(ready.getReason()).isEqualTo("InvalidSpec");
        assertThat(ready.getMessage()).contains("spec.mailFrom");
        assertThat(ready.getObservedGeneration()).isEqualTo(2L);
    }

    @Test
    void runnerCrashCountsAsAFailedProbe() {
        var status = aggregator.failed(new IllegalStateException("boom"), null, 1, fiveMinutes);
        assertThat(status.reason()).isEqualTo("ProbeError");
        assertThat(status.consecutiveFailures()).isEqualTo(1);
        assertThat(status.message()).contains("boom");
    }

    @Test
    void suspensionKeepsTheLastVerdictAndClearsTheNextProbe() {
        var s1 = aggregator.probed(userUnknown("a.test"), null, 1, fiveMinutes);
        var suspended = aggregator.suspended(s1, 2);
        assertThat(suspended.result()).isEqualTo(io.smtpprobe.api.v1alpha1.Outcome.PermanentFailure);
        assertThat(suspended.nextProbeTime()).isNull();
        assertThat(suspended.observedGeneration()).isEqualTo(2);
        assertThat(Conditions.find(suspended.conditions(), "Suspended").orElseThrow().getStatus()).isEqualTo("True");
        var resumed = aggregator.probed(userUnknown("a.test"), suspended, 3, fiveMinutes);
        assertThat(Conditions.find(resumed.conditions(), "Suspended")).isEmpty();
    }
}
