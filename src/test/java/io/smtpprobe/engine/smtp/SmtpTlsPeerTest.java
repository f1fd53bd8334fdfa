package io.smtpprobe.engine.smtp;

import io.smtpprobe.testsupport.TestCertificates;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.core.Reason;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("peers")
class SmtpTlsPeerTest {

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();
    private static TestCertificates.Issued authority;
    private static TlsSettings trustingAuthority;
    private ScriptedSmtpPeer peer;
    private final TestOptions options = new TestOptions();

    @BeforeAll
    static void setUp() {
        authority = TestCertificates.authority("Probe Test CA");
        trustingAuthority = TlsSettings.trusting(TestCertificates.trustStore(authority.certificate()));
    }

    private PeerProbe.Timed probe(ScriptedSmtpPeer script) throws Exception {
        peer = peers.start(script);
        return PeerProbe.probe(peers.vertx(), trustingAuthority, peer.port(), options.build());
    }

    /** Greeting, STARTTLS with the given certificate, and whatever follows is drained. */
    private static ScriptedSmtpPeer startTlsWith(TestCertificates.Issued certificate) {
        return ScriptedSmtpPeer.script().greeting("PIPELINING", "STARTTLS")
                .reply("STARTTLS", "220 2.0.0 Ready to start TLS\r\n")
                .startTls(TestCertificates.serverContext(certificate));
    }

    @Test
    void validCertificateIsReportedAndTheDialogueGoesOnOverTls() throws Exception {
        options.tlsMode = TlsMode.Required;
        var timed = probe(startTlsWith(TestCertificates.server(authority, PeerProbe.MX_HOST))
                .reply("EHLO", "250-mx.example.test\r\n250 DSN\r\n")
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:", "250 Ok\r\n")
                .reply("QUIT", "221 Bye\r\n"));
        var result = timed.result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.extensions()).containsExactly("DSN");
        assertThat(result.latencyMs()).containsKey(Stage.StartTls);
        assertThat(result.tls()).satisfies(tls -> {
            assertThat(tls.protocol()).startsWith("TLSv1.");
            assertThat(tls.cipher()).isNotBlank();
            assertThat(tls.trusted()).isTrue();
            assertThat(tls.hostnameMatch()).isTrue();
            assertThat(tls.verificationError()).isNull();
            assertThat(tls.certificate().subject()).isEqualTo("CN=mx.example.test");
            assertThat(tls.certificate().issuer()).isEqualTo("CN=Probe Test CA");
            assertThat(tls.certificate().subjectAltNames()).containsExactly("DNS:mx.example.test");
            assertThat(tls.certificate().daysRemaining()).isBetween(88L, 90L);
        });
        assertThat(peer.received()).containsSubsequence("EHLO probe.test", "STARTTLS", "EHLO probe.test", "MAIL FROM:<probe@probe.test>");
        assertThat(peer.errors()).isEmpty();
        assertThat(timed.elapsed()).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void selfSignedCertificateIsUntrustedWhenTlsIsRequired() throws Exception {
        options.tlsMode = TlsMode.Required;
        var result = probe(startTlsWith(TestCertificates.selfSigned(PeerProbe.MX_HOST))).result();

        assertThat(result.reason()).isEqualTo(Reason.CertificateUntrusted);
        assertThat(result.stage()).isEqualTo(Stage.StartTls);
        assertThat(result.tls().trusted()).isFalse();
        assertThat(result.tls().hostnameMatch()).isTrue();
        assertThat(result.tls().certificate().issuer()).isEqualTo("CN=mx.example.test");
        assertThat(peer.received()).doesNotContain("MAIL FROM:<probe@probe.test>");
    }

    @Test
    void insecureModeAcceptsASelfSignedCertificateButSaysSo() throws Exception {
        options.insecure = true;
        var result = probe(startTlsWith(TestCertificates.selfSigned(PeerProbe.MX_HOST))
                .reply("EHLO", "250 mx.example.test\r\n")
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:", "250 Ok\r\n")
                .reply("QUIT", "221 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.tls().trusted()).isFalse();
        assertThat(result.tls().verificationError()).contains("not trusted");
    }

    @Test
    void expiredCertificateIsCertificateExpiredWhenTlsIsRequired() throws Exception {
        options.tlsMode = TlsMode.Required;
        Instant now = Instant.now();
        var expired = TestCertificates.server(authority, PeerProbe.MX_HOST,
                now.minus(Duration.ofDays(100)), now.minus(Duration.ofDays(10)));

        var result = probe(startTlsWith(expired)).result();

        assertThat(result.reason()).isEqualTo(Reason.CertificateExpired);
        assertThat(result.tls().certificate().daysRemaining()).isBetween(-11L, -9L);
        assertThat(result.tls().verificationError()).contains("expired");
    }

    @Test
    void certificateForAnotherHostIsANameMismatchWhenTlsIsRequired() throws Exception {
        options.tlsMode = TlsMode.Required;
        var result = probe(startTlsWith(TestCertificates.server(authority, "other.example.test"))).result();

        assertThat(result.reason()).isEqualTo(Reason.CertificateNameMismatch);
        assertThat(result.tls().trusted()).isTrue();
        assertThat(result.tls().hostnameMatch()).isFalse();
        assertThat(result.tls().certificate().subjectAltNames()).containsExactly("DNS:other.example.test");
    }

    @Test
    void requiredTlsWithoutStartTlsNeverSendsMailFrom() throws Exception {
        options.tlsMode = TlsMode.Required;

        var result = probe(ScriptedSmtpPeer.script().greeting("PIPELINING", "8BITMIME")
                .reply("QUIT", "221 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.StartTlsNotOffered);
        assertThat(result.stage()).isEqualTo(Stage.StartTls);
        assertThat(peer.awaitClientClosed(Duration.ofSeconds(2))).isTrue();
        assertThat(peer.received()).containsExactly("EHLO probe.test", "QUIT");
    }

    @Test
    void disabledTlsIgnoresStartTls() throws Exception {
        options.tlsMode = TlsMode.Disabled;

        var result = probe(ScriptedSmtpPeer.script().greeting("STARTTLS")
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:", "250 Ok\r\n")
                .reply("QUIT", "221 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.tls()).isNull();
    }

    @Test
    void dataInjectedAfterTheStartTlsReplyIsAProtocolViolation() throws Exception {
        var timed = probe(ScriptedSmtpPeer.script().greeting("STARTTLS")
                .reply("STARTTLS", "220 2.0.0 Ready\r\n250-injected\r\n250 AUTH PLAIN\r\n"));

        assertThat(timed.result().reason()).isEqualTo(Reason.ProtocolViolation);
        assertThat(timed.result().stage()).isEqualTo(Stage.StartTls);
        assertThat(timed.result().detail()).contains("injection");
        assertThat(timed.result().tls()).isNull();
        assertThat(timed.elapsed()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aServerThatClosesInsteadOfTheTlsHandshakeIsAHandshakeFailure() throws Exception {
        // required: opportunistic TLS would retry in plaintext (PlaintextRetryPeerTest)
        options.tlsMode = TlsMode.Required;
        var result = probe(ScriptedSmtpPeer.script().greeting("PIPELINING", "STARTTLS")
                .reply("STARTTLS", "220 2.0.0 Ready to start TLS\r\n").closeConnection()).result();

        assertThat(result.reason()).isEqualTo(Reason.TlsHandshakeFailed);
        assertThat(result.stage()).isEqualTo(Stage.StartTls);
        assertThat(result.detail()).startsWith("TLS handshake failed");
        assertThat(result.detail()).contains("closed the connection during the handshake");
    }

    @Test
    void implicitTlsHandshakesBeforeTheBanner() throws Exception {
        options.tlsMode = TlsMode.Implicit;

        var result = probe(acceptingOverImplicitTls()).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.tls().trusted()).isTrue();
        assertThat(peer.received()).doesNotContain("STARTTLS");
    }

    private static ScriptedSmtpPeer acceptingOverImplicitTls() {
        return ScriptedSmtpPeer.script()
                .tlsOnConnect(TestCertificates.serverContext(TestCertificates.server(authority, PeerProbe.MX_HOST)))
                .greeting("STARTTLS")
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:", "250 Ok\r\n")
                .reply("QUIT", "221 Bye\r\n");
    }

    @Test
    void plaintextServerOnAnImplicitTlsPortIsAHandshakeFailure() throws Exception {
        options.tlsMode = TlsMode.Implicit;

        var timed = probe(ScriptedSmtpPeer.script().send("220 mx.example.test ESMTP\r\n"));

        assertThat(timed.result().reason()).isEqualTo(Reason.TlsHandshakeFailed);
        // TCP connected: the handshake failed, not the connect
        assertThat(timed.result().stage()).isEqualTo(Stage.TlsHandshake);
        assertThat(timed.elapsed()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void untrustedImplicitTlsCertificateClosesWithoutQuit() throws Exception {
        options.tlsMode = TlsMode.Implicit;

        var result = probe(ScriptedSmtpPeer.script()
                .tlsOnConnect(TestCertificates.serverContext(TestCertificates.selfSigned(PeerProbe.MX_HOST)))
                .send("220 mx.example.test ESMTP\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.CertificateUntrusted);
        assertThat(result.stage()).isEqualTo(Stage.TlsHandshake);
        assertThat(result.reply()).isNull();
        assertThat(peer.awaitClientClosed(Duration.ofSeconds(2))).isTrue();
        assertThat(peer.received()).doesNotContain("QUIT");
    }

    private static ScriptedSmtpPeer acceptingAfterStartTlsWith(TestCertificates.Issued certificate) {
        return startTlsWith(certificate)
                .reply("EHLO", "250 mx.example.test\r\n")
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:", "250 Ok\r\n")
                .reply("QUIT", "221 Bye\r\n");
    }

    @Test
    void opportunisticTlsContinuesOverAnUntrustedCertificateAndReportsIt() throws Exception {
        var result = probe(acceptingAfterStartTlsWith(TestCertificates.selfSigned(PeerProbe.MX_HOST))).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.tls().trusted()).isFalse();
        assertThat(result.tls().hostnameMatch()).isTrue();
        assertThat(result.tls().verificationError()).contains("not trusted");
        assertThat(peer.received()).containsSubsequence("STARTTLS", "EHLO probe.test", "MAIL FROM:<probe@probe.test>");
        assertThat(peer.errors()).isEmpty();
    }

    @Test
    void opportunisticTlsContinuesOverAnExpiredCertificateAndReportsIt() throws Exception {
        Instant now = Instant.now();
        var expired = TestCertificates.server(authority, PeerProbe.MX_HOST,
                now.minus(Duration.ofDays(100)), now.minus(Duration.ofDays(10)));

        var result = probe(acceptingAfterStartTlsWith(expired)).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.tls().trusted()).isFalse();
        assertThat(result.tls().verificationError()).contains("expired");
        assertThat(peer.errors()).isEmpty();
    }

    @Test
    void opportunisticTlsContinuesOverACertificateForAnotherHostAndReportsIt() throws Exception {
        var result = probe(acceptingAfterStartTlsWith(TestCertificates.server(authority, "other.example.test"))).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.tls().trusted()).isTrue();
        assertThat(result.tls().hostnameMatch()).isFalse();
        assertThat(result.tls().verificationError()).contains("does not name");
        assertThat(peer.errors()).isEmpty();
    }

    @Test
    void opportunisticTlsStillFailsWhenStartTlsIsRefused() throws Exception {
        var result = probe(ScriptedSmtpPeer.script().greeting("STARTTLS")
                .reply("STARTTLS", "454 4.7.0 TLS not available\r\n")
                .reply("QUIT", "221 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.TemporaryFailure);
        assertThat(result.stage()).isEqualTo(Stage.StartTls);
        assertThat(peer.received()).doesNotContain("MAIL FROM:<probe@probe.test>");
    }
}
