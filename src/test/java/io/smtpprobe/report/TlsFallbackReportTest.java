package io.smtpprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A verdict reached in plaintext after a failed opportunistic handshake says so, in words and in JSON. */
class TlsFallbackReportTest {

    private static final ServerResult.TlsFallback FALLBACK = new ServerResult.TlsFallback(Stage.StartTls,
            Reason.TlsHandshakeFailed, "TLS handshake failed: the server sent the TLS alert protocol_version"
            + " (no TLS protocol version in common)");

    private static ServerResult.Builder server() {
        return ServerResult.builder().host("mx.fabrikam.test").address("192.0.2.10").port(25).preference(10);
    }

    @Test
    void theFindingNamesTheFailedHandshakeAfterTheVerdict() {
        var rejected = server().stage(Stage.RcptTo).reason(Reason.RecipientUnknown)
                .reply(Reply.of(550, List.of("5.1.1 User unknown"))).tlsFallback(FALLBACK).build();

        assertThat(Findings.server("fabrikam.test", rejected)).isEqualTo("fabrikam.test: mx.fabrikam.test (192.0.2.10:25)"
                + " RCPT 550 5.1.1 User unknown (after TLS handshake failed: the server sent the TLS alert protocol_version"
                + " (no TLS protocol version in common); retried without TLS)");
    }

    @Test
    void jsonCarriesTheFallbackOnlyWhenThereWasOne() {
        var accepted = server().stage(Stage.Quit).reason(Reason.Accepted).reply(Reply.of(250, List.of("2.1.5 Ok")));

        var json = ReportJson.server(accepted.tlsFallback(FALLBACK).build(), false);

        assertThat(json.get("tlsFallback").get("stage").asText()).isEqualTo("StartTls");
        assertThat(json.get("tlsFallback").get("reason").asText()).isEqualTo("TlsHandshakeFailed");
        assertThat(json.get("tlsFallback").get("detail").asText()).startsWith("TLS handshake failed: the server sent");
        assertThat(ReportJson.server(accepted.tlsFallback(null).build(), false).has("tlsFallback")).isFalse();
        assertThat(Findings.server("fabrikam.test", accepted.tlsFallback(null).build()))
                .isEqualTo("fabrikam.test: mx.fabrikam.test (192.0.2.10:25) accepted (250 2.1.5 Ok)");
    }
}
