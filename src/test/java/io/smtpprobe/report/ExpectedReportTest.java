package io.smtpprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Text and JSON say expected beside actual, and say nothing of it without an expectation. */
class ExpectedReportTest {
    static final ServerResult ACCEPTING = ServerResult.builder().host("mx.contoso.test").address("127.0.0.2").port(2525)
            .stage(Stage.Quit).reply(Reply.of(250, List.of("2.1.5 Ok"))).reason(Reason.Accepted).build();
    static final DomainResult CONTOSO = new DomainResult("contoso.test", ACCEPTING.outcome(), Reason.Accepted, null, List.of(),
            List.of(ACCEPTING));
    static final ProbeReport OPEN_RELAY = new ProbeReport(ACCEPTING.outcome(), Reason.Accepted, List.of(CONTOSO));
    static final Expectation RELAY_DENIED = new Expectation(Set.of(Reason.RelayDenied), null, null);

    static String text(ProbeReport report, Expectation expectation) {
        var out = new ByteArrayOutputStream();
        TextReport.print(report, expectation, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textSaysExpectedAndGotPerDomainAndWhetherTheRunMetIt() {
        assertThat(text(OPEN_RELAY, RELAY_DENIED))
                .contains("  expected RelayDenied, got Accepted: NOT as expected\n")
                .endsWith("Result: Success (Accepted)\nExpectation: NOT met (expected RelayDenied)\n");
    }

    @Test
    void textWithoutAnExpectationIsThePlainReport() {
        assertThat(text(OPEN_RELAY, Expectation.NONE)).doesNotContain("xpect").endsWith("Result: Success (Accepted)\n");
    }

    @Test
    void jsonStatesTheExpectationAndEachDomainsExpectedBesideActual() {
        var json = ReportJson.report(OPEN_RELAY, new Expectation(Set.of(Reason.RelayDenied), 554, "5.7.1"), false);

        assertThat(json.get("expect").toString()).isEqualTo("{\"reasons\":[\"RelayDenied\"],\"code\":554,\"enhancedCode\":\"5.7.1\"}");
        assertThat(json.get("expectationMet").asBoolean()).isFalse();
        var domain = json.get("domains").get(0);
        assertThat(domain.get("expected").asText()).isEqualTo("RelayDenied with reply 554 5.7.1");
        assertThat(domain.get("actual").asText()).isEqualTo("Accepted with reply 250 2.1.5");
        assertThat(domain.get("expectationMet").asBoolean()).isFalse();
        assertThat(domain.get("reason").asText()).as("the outcome is still reported as it is").isEqualTo("Accepted");
    }

    @Test
    void jsonWithoutAnExpectationIsExactlyThePlainDocument() {
        assertThat(ReportJson.report(OPEN_RELAY, Expectation.NONE, true)).isEqualTo(ReportJson.report(OPEN_RELAY, true));
        assertThat(ReportJson.report(OPEN_RELAY, true).has("expect")).isFalse();
    }

    @Test
    void oneLineNamesExpectedGotAndTheUsualFinding() {
        assertThat(ExpectedFindings.summary(OPEN_RELAY, RELAY_DENIED))
                .isEqualTo("expected RelayDenied, got Accepted: contoso.test: mx.contoso.test (127.0.0.2:2525) accepted (250 2.1.5 Ok)");
    }
}
