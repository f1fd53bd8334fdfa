package io.smtpprobe.operator.status;

import static io.smtpprobe.operator.controller.Reports.accepted;
import static io.smtpprobe.operator.controller.Reports.allAccepted;
import static io.smtpprobe.operator.controller.Reports.domain;
import static io.smtpprobe.operator.controller.Reports.report;
import static io.smtpprobe.operator.controller.Reports.server;
import static io.smtpprobe.operator.controller.Reports.userUnknown;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
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

/** Ready with {@code spec.expect}: an expected refusal is healthy, while result and reason still say what happened. */
class SmtpProbeStatusExpectationTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    final SmtpProbeStatusAggregator aggregator = new SmtpProbeStatusAggregator(clock);
    final Duration interval = Duration.ofMinutes(1);
    final Expectation unknownRecipient = new Expectation(Set.of(Reason.RecipientUnknown), null, null);
    final Expectation relayDenied = new Expectation(Set.of(Reason.RelayDenied), null, null);

    SmtpProbeStatus probe(ProbeReport report, Expectation expectation, SmtpProbeStatus previous) {
        return aggregator.probed(report, expectation, previous, 1, clock.instant(), interval);
    }

    static Condition ready(SmtpProbeStatus status) {
        return Conditions.find(status.conditions(), Conditions.READY).orElseThrow();
    }

    @Test
    void theExpectedRefusalMakesTheProbeReadyWhileResultAndReasonSayWhatHappened() {
        var status = probe(userUnknown("fabrikam.test"), unknownRecipient, null);

        assertThat(status.result()).isEqualTo(Outcome.PermanentFailure);
        assertThat(status.reason()).isEqualTo("RecipientUnknown");
        assertThat(status.message()).isEqualTo("fabrikam.test: mx1.fabrikam.test (127.0.0.1:25) RCPT 550 5.1.1 User unknown");
        assertThat(ready(status).getStatus()).isEqualTo("True");
        assertThat(ready(status).getReason()).isEqualTo("ExpectationMet");
        assertThat(ready(status).getMessage()).isEqualTo("expected RecipientUnknown, got RecipientUnknown: " + status.message());
        assertThat(status.consecutiveFailures()).as("nothing is failing: the refusal was asked for").isZero();
    }

    @Test
    void anAcceptanceWhereARefusalWasExpectedIsNotReadyAndSaysExpectedAndGot() {
        var status = probe(allAccepted("contoso.test"), relayDenied, null);

        assertThat(status.result()).isEqualTo(Outcome.Success);
        assertThat(status.reason()).isEqualTo("Accepted");
        assertThat(ready(status).getStatus()).isEqualTo("False");
        assertThat(ready(status).getReason()).isEqualTo("ExpectationNotMet");
        assertThat(ready(status).getMessage())
                .isEqualTo("expected RelayDenied, got Accepted: contoso.test: mx1.contoso.test (127.0.0.1:25) accepted (250 2.1.5 Ok)");
        assertThat(status.consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void eachDomainShowsExpectedAndActualSideBySide() {
        var report = report(domain("contoso.test", accepted("mx1.contoso.test")),
                domain("fabrikam.test", server("mx1.fabrikam.test", Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown")));
        var status = probe(report, new Expectation(Set.of(Reason.RecipientUnknown), 550, null), null);

        assertThat(status.domains()).extracting(d -> d.domain() + ": expected " + d.expected() + ", actual " + d.actual()
                + ", met " + d.expectationMet()).containsExactly(
                "contoso.test: expected RecipientUnknown with reply 550, actual Accepted with reply 250 2.1.5, met false",
                "fabrikam.test: expected RecipientUnknown with reply 550, actual RecipientUnknown with reply 550 5.1.1, met true");
        assertThat(ready(status).getMessage()).startsWith("expected RecipientUnknown with reply 550, got Accepted with reply 250 2.1.5: contoso.test:")
                .doesNotContain("more not as expected");
    }

    @Test
    void severalDomainsNotAsExpectedAreCounted() {
        var status = probe(allAccepted("a.test", "b.test", "c.test"), relayDenied, null);

        assertThat(ready(status).getMessage()).startsWith("expected RelayDenied, got Accepted: a.test:")
                .endsWith("(and 2 more not as expected)");
    }

    @Test
    void withoutAnExpectationStatusesStayAsTheyWere() {
        var withNone = probe(userUnknown("fabrikam.test"), Expectation.NONE, null);
        var plain = aggregator.probed(userUnknown("fabrikam.test"), null, 1, clock.instant(), interval);

        assertThat(withNone).isEqualTo(plain);
        assertThat(ready(plain).getReason()).isEqualTo("RecipientUnknown");
        assertThat(plain.domains().get(0).expected()).isNull();
        assertThat(plain.domains().get(0).actual()).isNull();
        assertThat(plain.domains().get(0).expectationMet()).isNull();
    }

    @Test
    void readyTransitionsWhenTheExpectationFlipsNotWhenTheOutcomeRepeats() {
        var met = probe(userUnknown("fabrikam.test"), unknownRecipient, null);
        clock.advance(interval);
        var stillMet = probe(userUnknown("fabrikam.test"), unknownRecipient, met);
        clock.advance(interval);
        var catchAll = probe(allAccepted("fabrikam.test"), unknownRecipient, stillMet);
        clock.advance(interval);
        var stillCatchAll = probe(allAccepted("fabrikam.test"), unknownRecipient, catchAll);

        assertThat(ready(stillMet).getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(ready(catchAll).getStatus()).isEqualTo("False");
        assertThat(ready(catchAll).getLastTransitionTime()).isEqualTo("2026-01-01T10:02:00Z");
        assertThat(ready(stillCatchAll).getLastTransitionTime()).isEqualTo("2026-01-01T10:02:00Z");
        assertThat(stillCatchAll.consecutiveFailures()).isEqualTo(2);
        assertThat(stillCatchAll.lastResultChangeTime()).as("the result itself went from failure to success once")
                .isEqualTo("2026-01-01T10:02:00Z");
    }

    @Test
    void aSpecGainingAnExpectationTurnsAFailingProbeReadyAtOnce() {
        var failing = aggregator.probed(userUnknown("fabrikam.test"), null, 1, clock.instant(), interval);
        clock.advance(interval);
        var expected = aggregator.probed(userUnknown("fabrikam.test"), unknownRecipient, failing, 2, clock.instant(), interval);

        assertThat(ready(failing).getStatus()).isEqualTo("False");
        assertThat(ready(expected).getStatus()).isEqualTo("True");
        assertThat(ready(expected).getObservedGeneration()).isEqualTo(2);
        assertThat(ready(expected).getLastTransitionTime()).isEqualTo("2026-01-01T10:01:00Z");
        assertThat(expected.consecutiveFailures()).isZero();
    }
}
