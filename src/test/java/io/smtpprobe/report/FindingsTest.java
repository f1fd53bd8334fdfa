package io.smtpprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FindingsTest {

    @Test
    void everyStageHasTheCommandAnAdminTypes() {
        assertThat(Stage.MailFrom.command()).isEqualTo("MAIL");
        assertThat(Stage.RcptTo.command()).isEqualTo("RCPT");
        assertThat(Stage.Connect.command()).isEqualTo("CONNECT");
        assertThat(List.of(Stage.values())).allSatisfy(s -> assertThat(s.command()).isNotBlank().isUpperCase());
    }

    @Test
    void aReplyIsQuotedAfterTheCommandItAnswered() {
        var s = server("mx1.fabrikam.test", "192.0.2.1", Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown", null);

        assertThat(Findings.server("fabrikam.test", s)).isEqualTo("fabrikam.test: mx1.fabrikam.test (192.0.2.1:25) RCPT 550 5.1.1 User unknown");
    }

    @Test
    void withoutADecidingReplyTheReasonAndDetailAreNamed() {
        var s = server("mx.refused.test", "192.0.2.3", Stage.Connect, Reason.ConnectRefused, 0, null, "Connection refused");

        assertThat(Findings.server("refused.test", s)).isEqualTo("refused.test: mx.refused.test (192.0.2.3:25) CONNECT ConnectRefused: Connection refused");
    }

    @Test
    void anAcceptedDialogueQuotesTheAcceptingReplyNotItsQuit() {
        var ok = server("mx2.contoso.test", "192.0.2.2", Stage.Quit, Reason.Accepted, 250, "2.1.5 Ok", null);
        var down = server("mx1.contoso.test", "192.0.2.1", Stage.Connect, Reason.ConnectTimeout, 0, null, null);
        var domain = new DomainResult("contoso.test", Outcome.Success, Reason.Accepted, null, List.of(), List.of(down, ok));

        assertThat(domain.deciding()).isSameAs(ok);
        assertThat(Findings.domain(domain)).isEqualTo("contoso.test: mx2.contoso.test (192.0.2.2:25) accepted (250 2.1.5 Ok) (1 other server failed)");
    }

    @Test
    void aDomainNoServerAnsweredForSaysWhatDnsSaidOrWhatTheReasonMeans() {
        var nx = new DomainResult("nosuch.test", Outcome.PermanentFailure, Reason.DnsNameNotFound, "NXDOMAIN for nosuch.test", List.of(), List.of());
        var none = new DomainResult("empty.test", Outcome.PermanentFailure, Reason.DnsNoMailServers, null, List.of(), List.of());

        assertThat(Findings.domain(nx)).isEqualTo("nosuch.test: DNS NXDOMAIN for nosuch.test");
        assertThat(Findings.domain(none)).isEqualTo("empty.test: " + Reason.DnsNoMailServers.explanation());
    }

    @Test
    void theSummaryIsTheWorstDomainsLineWordForWord() {
        var greylisted = domain("a.test", server("mx.a.test", "192.0.2.1", Stage.RcptTo, Reason.Greylisted, 451, "4.7.1 Try later", null));
        var rejected = domain("b.test", server("mx.b.test", "192.0.2.2", Stage.MailFrom, Reason.SenderRejected, 553, "5.1.7 Bad sender", null));
        var report = new ProbeReport(Outcome.PermanentFailure, Reason.SenderRejected, List.of(greylisted, rejected));

        assertThat(Findings.summary(report)).isEqualTo(Findings.domain(rejected) + " (and 1 more failing)")
                .isEqualTo("b.test: mx.b.test (192.0.2.2:25) MAIL 553 5.1.7 Bad sender (and 1 more failing)");
    }

    @Test
    void hostileNamesAreEscapedButReplyTextIsNotEscapedTwice() {
        var s = server("mx\u001b[2J.test", "192.0.2.1", Stage.RcptTo, Reason.RelayDenied, 554, "5.7.1 already \\x07 escaped", null);

        assertThat(Findings.server("evil\u2028.test", s))
                .isEqualTo("evil\\u2028.test: mx\\x1b[2J.test (192.0.2.1:25) RCPT 554 5.7.1 already \\x07 escaped");
    }

    private static DomainResult domain(String name, ServerResult s) {
        return new DomainResult(name, s.outcome(), s.reason(), null, List.of(), List.of(s));
    }

    private static ServerResult server(String host, String address, Stage stage, Reason reason, int code, String text, String detail) {
        Reply reply = text == null ? null : Reply.of(code, List.of(text));
        return new ServerResult(host, address, 25, 10, stage, reply, reason, List.of(), true, null, null, detail,
                Map.of(), List.of());
    }
}
