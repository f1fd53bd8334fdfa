package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.core.TranscriptLine;
import io.smtpprobe.report.Findings;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Opportunistic TLS whose handshake fails is retried once in plaintext on a new connection, as a
 * sending MTA does; required and implicit TLS never are.
 */
@Tag("peers")
class PlaintextRetryPeerTest {

    private static final byte[] FATAL_HANDSHAKE_FAILURE_ALERT = HexFormat.of().parseHex("15030300020228");
    private static final String RETRY_NOTE = "** retrying without TLS on a new connection (opportunistic TLS, as a sending MTA does)";

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();
    private final TestOptions options = new TestOptions();
    private ScriptedSmtpPeer peer;

    private PeerProbe.Timed probe(ScriptedSmtpPeer script) throws Exception {
        peer = peers.start(script);
        return PeerProbe.probe(peers.vertx(), TlsSettings.systemDefault(), peer.port(), options.build());
    }

    /** First connection: STARTTLS offered, then a fatal alert in answer to the ClientHello. */
    private static ScriptedSmtpPeer brokenTlsThenPlaintext() {
        return ScriptedSmtpPeer.script().greeting("PIPELINING", "STARTTLS")
                .reply("STARTTLS", "220 2.0.0 Ready to start TLS\r\n")
                .readTlsRecord().sendBytes(FATAL_HANDSHAKE_FAILURE_ALERT)
                .nextConnection()
                .greeting("PIPELINING", "STARTTLS");
    }

    @Test
    void aFailedOpportunisticHandshakeIsRetriedInPlaintextAndTheResultSaysWhy() throws Exception {
        var result = probe(brokenTlsThenPlaintext()
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.tls()).isNull();
        assertThat(result.tlsFallback()).isEqualTo(new ServerResult.TlsFallback(Stage.StartTls, Reason.TlsHandshakeFailed,
                "TLS handshake failed: the server sent the TLS alert handshake_failure (no cipher suite or parameters in common)"));
        assertThat(peer.connectionsAccepted()).isEqualTo(2);
        // the second dialogue never asks for STARTTLS
        assertThat(peer.received()).containsExactly("EHLO probe.test", "STARTTLS",
                "EHLO probe.test", "MAIL FROM:<probe@probe.test>", "RCPT TO:<postmaster@example.test>", "QUIT");
        assertThat(result.transcript()).extracting(TranscriptLine::asTelnet).containsSubsequence(
                "STARTTLS", "220 2.0.0 Ready to start TLS",
                "** TLS handshake failed: the server sent the TLS alert handshake_failure (no cipher suite or parameters in common)",
                RETRY_NOTE,
                "* Connected to 127.0.0.1:" + peer.port(), "220 mx.example.test ESMTP scripted",
                "* STARTTLS offered but not used: this is the plaintext retry",
                "MAIL FROM:<probe@probe.test>", "221 2.0.0 Bye");
        assertThat(Findings.server("example.test", result)).isEqualTo("example.test: mx.example.test (127.0.0.1:" + peer.port()
                + ") accepted (250 2.1.5 Ok) (after TLS handshake failed: the server sent the TLS alert handshake_failure"
                + " (no cipher suite or parameters in common); retried without TLS)");
        assertThat(peer.errors()).isEmpty();
    }

    @Test
    void thePlaintextAttemptDecidesTheVerdict() throws Exception {
        var result = probe(brokenTlsThenPlaintext()
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "550 5.1.1 <postmaster@example.test>: Recipient address rejected\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.RecipientUnknown);
        assertThat(result.stage()).isEqualTo(Stage.RcptTo);
        assertThat(result.tlsFallback().reason()).isEqualTo(Reason.TlsHandshakeFailed);
        assertThat(Findings.server("example.test", result))
                .endsWith("RCPT 550 5.1.1 <postmaster@example.test>: Recipient address rejected (after TLS handshake failed:"
                        + " the server sent the TLS alert handshake_failure (no cipher suite or parameters in common);"
                        + " retried without TLS)");
    }

    @Test
    void requiredTlsNeverFallsBackToPlaintext() throws Exception {
        options.tlsMode = TlsMode.Required;

        var result = probe(brokenTlsThenPlaintext()
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.TlsHandshakeFailed);
        assertThat(result.tlsFallback()).isNull();
        assertThat(peer.connectionsAccepted()).isEqualTo(1);
        assertThat(result.transcript()).extracting(TranscriptLine::asTelnet).doesNotContain(RETRY_NOTE);
    }

    @Test
    void implicitTlsNeverFallsBackToPlaintext() throws Exception {
        options.tlsMode = TlsMode.Implicit;

        var result = probe(ScriptedSmtpPeer.script().readTlsRecord().sendBytes(FATAL_HANDSHAKE_FAILURE_ALERT)
                .nextConnection().greeting("STARTTLS").reply("MAIL FROM:", "250 2.1.0 Ok\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.TlsHandshakeFailed);
        assertThat(result.stage()).isEqualTo(Stage.TlsHandshake);
        assertThat(result.tlsFallback()).isNull();
        assertThat(peer.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void aRefusedStartTlsIsAVerdictNotAHandshakeFailureSoItIsNotRetried() throws Exception {
        var result = probe(ScriptedSmtpPeer.script().greeting("STARTTLS")
                .reply("STARTTLS", "454 4.7.0 TLS not available\r\n")
                .reply("QUIT", "221 Bye\r\n")
                .nextConnection().greeting("STARTTLS")).result();

        assertThat(result.reason()).isEqualTo(Reason.TemporaryFailure);
        assertThat(result.tlsFallback()).isNull();
        assertThat(peer.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void theRetryGetsDeadlinesOfItsOwnAndBothStayWithinTwiceTheTotal() throws Exception {
        // each attempt alone fits in the total deadline, both together do not; the margins are wide
        // because this machine is shared and slow
        Duration total = Duration.ofSeconds(5);
        options.timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), total);
        var timed = probe(ScriptedSmtpPeer.script().send("220 mx.example.test ESMTP\r\n")
                .expect("EHLO").pause(Duration.ofMillis(1200)).send("250-mx.example.test\r\n250 STARTTLS\r\n")
                .reply("STARTTLS", "220 2.0.0 Ready\r\n")
                .readTlsRecord()
                .nextConnection()
                .pause(Duration.ofMillis(1400)).send("220 mx.example.test ESMTP\r\n")
                .expect("EHLO").pause(Duration.ofMillis(1400)).send("250 mx.example.test\r\n")
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        ServerResult result = timed.result();
        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.tlsFallback().detail()).isEqualTo("TLS handshake failed: no handshake within 2000 ms (the server stalled)");
        assertThat(timed.elapsed()).isGreaterThan(total).isLessThan(total.multipliedBy(SmtpProber.MAX_DIALOGUES));
    }
}
