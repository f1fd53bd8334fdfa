package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.core.TranscriptLine;
import io.smtpprobe.testsupport.TestCertificates;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A failed handshake is told with its cause, in the transcript as an event line and in the detail:
 * an alert by name, no common protocol version, a reset, a close, plaintext instead of TLS, a stall.
 * TLS is required here so that no plaintext retry hides the failure (see PlaintextRetryPeerTest).
 */
@Tag("peers")
class TlsHandshakeFailurePeerTest {

    /** A TLS 1.2 record carrying a fatal (2) handshake_failure (40) alert, RFC 8446 §6. */
    private static final byte[] FATAL_HANDSHAKE_FAILURE_ALERT = HexFormat.of().parseHex("15030300020228");
    /**
     * A ServerHello that picks TLS 1.0 (0x0301), as a server too old for TLS 1.2 answers; with
     * TLS_RSA_WITH_AES_128_CBC_SHA, no session id, no compression and no extensions.
     */
    private static final byte[] TLS10_SERVER_HELLO = HexFormat.of().parseHex(
            "160301002a" + "020000260301" + "00".repeat(32) + "00" + "002f" + "00");

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();
    private static TestCertificates.Issued certificate;
    private final TestOptions options = new TestOptions();
    private ScriptedSmtpPeer peer;

    @BeforeAll
    static void setUp() {
        certificate = TestCertificates.selfSigned(PeerProbe.MX_HOST);
    }

    private PeerProbe.Timed probe(ScriptedSmtpPeer script) throws Exception {
        peer = peers.start(script);
        return PeerProbe.probe(peers.vertx(), TlsSettings.systemDefault(), peer.port(), options.build());
    }

    private static ScriptedSmtpPeer afterStartTls() {
        return ScriptedSmtpPeer.script().greeting("STARTTLS").reply("STARTTLS", "220 2.0.0 Ready to start TLS\r\n");
    }

    private ServerResult requiredTlsAgainst(ScriptedSmtpPeer script) throws Exception {
        options.tlsMode = TlsMode.Required;
        ServerResult result = probe(script).result();
        assertThat(result.reason()).isEqualTo(Reason.TlsHandshakeFailed);
        assertThat(result.stage()).isEqualTo(Stage.StartTls);
        assertThat(result.detail()).startsWith("TLS handshake failed: ");
        assertThat(result.transcript()).contains(new TranscriptLine(TranscriptLine.Direction.Event, result.detail()));
        assertThat(peer.received()).doesNotContain("MAIL FROM:<probe@probe.test>");
        return result;
    }

    @Test
    void anAlertFromTheServerIsNamed() throws Exception {
        var result = requiredTlsAgainst(afterStartTls().readTlsRecord().sendBytes(FATAL_HANDSHAKE_FAILURE_ALERT));

        assertThat(result.detail()).isEqualTo(
                "TLS handshake failed: the server sent the TLS alert handshake_failure (no cipher suite or parameters in common)");
    }

    @Test
    void aRealTlsServerWithNoCipherInCommonSendsHandshakeFailure() throws Exception {
        // an EC key cannot serve RSA-authenticated suites: the JDK server finds nothing it can use
        var result = requiredTlsAgainst(ScriptedSmtpPeer.script().greeting("STARTTLS")
                .reply("STARTTLS", "220 2.0.0 Ready\r\n")
                .startTls(TestCertificates.serverContext(certificate), socket -> {
                    socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                    socket.setEnabledCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
                }));

        assertThat(result.detail()).contains("the server sent the TLS alert handshake_failure");
        assertThat(result.transcript().get(result.transcript().size() - 1).asTelnet())
                .startsWith("** TLS handshake failed: the server sent the TLS alert handshake_failure");
    }

    @Test
    void aServerThatOnlySpeaksTls10SharesNoProtocolVersion() throws Exception {
        var result = requiredTlsAgainst(afterStartTls().readTlsRecord().sendBytes(TLS10_SERVER_HELLO));

        assertThat(result.detail()).startsWith("TLS handshake failed: no TLS protocol version in common");
    }

    @Test
    void aResetDuringTheHandshakeIsToldAsTheServerEndingTheConnection() throws Exception {
        var result = requiredTlsAgainst(afterStartTls().readTlsRecord().resetConnection());

        // Netty fails the handshake with a closed channel and does not pass the reset on (checked:
        // no exception reaches the socket's handler), so a reset reads as a close here; a reset that
        // is reported is told as one (TlsHandshakeErrorsTest)
        assertThat(result.detail()).isEqualTo("TLS handshake failed: the server closed the connection during the handshake");
    }

    @Test
    void aCloseDuringTheHandshakeIsTold() throws Exception {
        var result = requiredTlsAgainst(afterStartTls().readTlsRecord().closeConnection());

        assertThat(result.detail()).isEqualTo("TLS handshake failed: the server closed the connection during the handshake");
    }

    @Test
    void aPlaintextAnswerToTheClientHelloIsQuoted() throws Exception {
        var result = requiredTlsAgainst(afterStartTls().readTlsRecord().send("500 5.5.1 what is this?\r\n"));

        assertThat(result.detail())
                .isEqualTo("TLS handshake failed: the server answered in plaintext, not TLS: \"500 5.5.1 what is this?...\"");
    }

    @Test
    void aStalledHandshakeTimesOutWithinTheCommandDeadline() throws Exception {
        options.tlsMode = TlsMode.Required;
        var timed = probe(afterStartTls().readTlsRecord().pause(Duration.ofSeconds(3)));

        var result = timed.result();
        assertThat(result.reason()).isEqualTo(Reason.TlsHandshakeFailed);
        assertThat(result.detail()).isEqualTo("TLS handshake failed: no handshake within 1000 ms (the server stalled)");
        assertThat(timed.elapsed()).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void implicitTlsAgainstAPlaintextServerFailsAtTheTlsStageAfterConnecting() throws Exception {
        options.tlsMode = TlsMode.Implicit;

        var result = probe(ScriptedSmtpPeer.script().readTlsRecord().send("HTTP/1.1 400 Bad Request\r\n\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.TlsHandshakeFailed);
        assertThat(result.stage()).isEqualTo(Stage.TlsHandshake);
        assertThat(result.stage().command()).isEqualTo("TLS");
        assertThat(result.detail())
                .isEqualTo("TLS handshake failed: the server answered in plaintext, not TLS: \"HTTP/1.1 400 Bad Request...\"");
        assertThat(result.transcript()).extracting(TranscriptLine::asTelnet).containsExactly(
                "* Connected to 127.0.0.1:" + peer.port(),
                "** " + result.detail());
        assertThat(result.latencyMs()).containsKeys(Stage.Connect, Stage.TlsHandshake);
    }

    @Test
    void implicitTlsRefusedByTcpStaysAConnectFailure() throws Exception {
        options.tlsMode = TlsMode.Implicit;
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        var result = PeerProbe.probe(peers.vertx(), TlsSettings.systemDefault(), closedPort, options.build()).result();

        assertThat(result.reason()).isEqualTo(Reason.ConnectRefused);
        assertThat(result.stage()).isEqualTo(Stage.Connect);
    }
}
