package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.AuthMechanism;
import io.smtpprobe.core.Credentials;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.SmtpAuth;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.core.TranscriptLine;
import io.smtpprobe.testsupport.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** AUTH (RFC 4954) against scripted submission servers: mechanisms, refusals, TLS first, and the secret kept out of sight. */
@Tag("peers")
class AuthPeerTest {

    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "s3cret-Passw0rd!";
    private static final Credentials LOGIN = new Credentials(USER, PASSWORD);

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();
    private static TestCertificates.Issued authority;
    private static TlsSettings trustingAuthority;
    private final TestOptions options = new TestOptions();
    private ScriptedSmtpPeer peer;

    @BeforeAll
    static void setUp() {
        authority = TestCertificates.authority("Probe Test CA");
        trustingAuthority = TlsSettings.trusting(TestCertificates.trustStore(authority.certificate()));
    }

    private ServerResult probe(ScriptedSmtpPeer script) throws Exception {
        peer = peers.start(script);
        return PeerProbe.probe(peers.vertx(), trustingAuthority, peer.port(), options.build()).result();
    }

    /** STARTTLS, then the EHLO after TLS offering these extensions. */
    private static ScriptedSmtpPeer overTls(String... extensionsAfterTls) {
        StringBuilder ehlo = new StringBuilder("250-mx.example.test\r\n");
        for (int i = 0; i < extensionsAfterTls.length; i++) {
            ehlo.append(i == extensionsAfterTls.length - 1 ? "250 " : "250-").append(extensionsAfterTls[i]).append("\r\n");
        }
        return ScriptedSmtpPeer.script().greeting("PIPELINING", "STARTTLS")
                .reply("STARTTLS", "220 2.0.0 Ready to start TLS\r\n")
                .startTls(TestCertificates.serverContext(TestCertificates.server(authority, PeerProbe.MX_HOST)))
                .reply("EHLO", ehlo.toString());
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String transcript(ServerResult result) {
        return String.join("\n", result.transcript().stream().map(TranscriptLine::asTelnet).toList());
    }

    private static void assertNoSecretIn(String text) {
        for (String form : LOGIN.secretForms()) {
            assertThat(text).doesNotContain(form);
        }
        assertThat(text).doesNotContain(base64(USER));
    }

    @Test
    void plainOverStartTlsLogsInAndTheTranscriptShowsItRedacted() throws Exception {
        options.auth = new SmtpAuth(LOGIN, null, false);

        var result = probe(overTls("AUTH PLAIN LOGIN", "DSN")
                .reply("AUTH PLAIN", "235 2.7.0 Authentication successful\r\n")
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.latencyMs()).containsKey(Stage.Auth);
        assertThat(peer.received()).containsSubsequence("STARTTLS", "EHLO probe.test",
                "AUTH PLAIN " + base64("\0" + USER + "\0" + PASSWORD), "MAIL FROM:<probe@probe.test>");
        assertThat(transcript(result)).contains("AUTH PLAIN <redacted>", "235 2.7.0 Authentication successful");
        assertNoSecretIn(transcript(result));
        assertNoSecretIn(result.toString());
    }

    @Test
    void loginAnswersBothChallengesAndShowsNeitherAnswer() throws Exception {
        options.auth = new SmtpAuth(LOGIN, null, false);

        var result = probe(overTls("AUTH LOGIN")
                .reply("AUTH LOGIN", "334 VXNlcm5hbWU6\r\n")
                .reply(base64(USER), "334 UGFzc3dvcmQ6\r\n")
                .reply(base64(PASSWORD), "235 2.7.0 Authentication successful\r\n")
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.transcript().stream().map(TranscriptLine::asTelnet).toList()).containsSubsequence(
                "AUTH LOGIN", "334 VXNlcm5hbWU6", "<redacted>", "334 UGFzc3dvcmQ6", "<redacted>", "235 2.7.0 Authentication successful");
        assertNoSecretIn(transcript(result));
    }

    @Test
    void plainIsPreferredWhenBothAreOfferedAndLoginWhenAskedFor() throws Exception {
        options.auth = new SmtpAuth(LOGIN, AuthMechanism.LOGIN, false);

        var result = probe(overTls("AUTH PLAIN LOGIN CRAM-MD5")
                .reply("AUTH LOGIN", "334 VXNlcm5hbWU6\r\n")
                .reply(base64(USER), "334 UGFzc3dvcmQ6\r\n")
                .reply(base64(PASSWORD), "235 2.7.0 Authentication successful\r\n")
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(AuthSteps.choose(null, List.of("LOGIN", "PLAIN"))).isEqualTo(AuthMechanism.PLAIN);
        assertThat(AuthSteps.choose(null, List.of("CRAM-MD5", "LOGIN"))).isEqualTo(AuthMechanism.LOGIN);
        assertThat(AuthSteps.choose(null, List.of("CRAM-MD5"))).isNull();
    }

    @Test
    void wrongCredentialsAre535AuthenticationFailedAndNoMailIsAttempted() throws Exception {
        options.auth = new SmtpAuth(LOGIN, null, false);

        var result = probe(overTls("AUTH PLAIN LOGIN")
                .reply("AUTH PLAIN", "535 5.7.8 Error: authentication failed: authentication failure\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(result.reason()).isEqualTo(Reason.AuthenticationFailed);
        assertThat(result.stage()).isEqualTo(Stage.Auth);
        assertThat(result.outcome()).isEqualTo(Outcome.PermanentFailure);
        assertThat(result.reply().code()).isEqualTo(535);
        assertThat(peer.received()).noneMatch(line -> line.startsWith("MAIL"));
    }

    @Test
    void aTemporaryAuthFailureIsTransient() throws Exception {
        options.auth = new SmtpAuth(LOGIN, null, false);

        var result = probe(overTls("AUTH PLAIN")
                .reply("AUTH PLAIN", "454 4.7.0 Temporary authentication failure: generic failure\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(result.reason()).isEqualTo(Reason.AuthenticationFailed);
        assertThat(result.outcome()).isEqualTo(Outcome.TransientFailure);
    }

    @Test
    void noAuthAdvertisedAfterTlsIsAuthenticationRequiredAndNothingIsSent() throws Exception {
        options.auth = new SmtpAuth(LOGIN, null, false);

        var result = probe(overTls("DSN", "SIZE 10240000").reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(result.reason()).isEqualTo(Reason.AuthenticationRequired);
        assertThat(result.stage()).isEqualTo(Stage.Auth);
        assertThat(result.detail()).contains("did not advertise AUTH");
        assertThat(peer.received()).noneMatch(line -> line.startsWith("AUTH") || line.startsWith("MAIL"));
    }

    @Test
    void aMechanismAskedForButNotOfferedIsNeverTried() throws Exception {
        options.auth = new SmtpAuth(LOGIN, AuthMechanism.LOGIN, false);

        var result = probe(overTls("AUTH PLAIN CRAM-MD5").reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(result.reason()).isEqualTo(Reason.AuthenticationRequired);
        assertThat(result.detail()).contains("offers AUTH PLAIN CRAM-MD5, not LOGIN");
        assertThat(peer.received()).noneMatch(line -> line.startsWith("AUTH"));
    }

    @Test
    void withoutTlsTheCredentialsAreNeverSentUnlessPlaintextIsAllowed() throws Exception {
        options.auth = new SmtpAuth(LOGIN, null, false);

        var refused = probe(ScriptedSmtpPeer.script().greeting("AUTH PLAIN LOGIN").reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(refused.reason()).isEqualTo(Reason.StartTlsNotOffered);
        assertThat(refused.stage()).isEqualTo(Stage.Auth);
        assertThat(refused.detail()).contains("AUTH not sent: this connection has no TLS");
        assertThat(peer.received()).containsExactly("EHLO probe.test", "QUIT");

        options.auth = new SmtpAuth(LOGIN, null, true);
        options.tlsMode = TlsMode.Disabled;
        var allowed = probe(ScriptedSmtpPeer.script().greeting("AUTH PLAIN LOGIN")
                .reply("AUTH PLAIN", "235 2.7.0 Authentication successful\r\n")
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(allowed.reason()).isEqualTo(Reason.Accepted);
    }

    @Test
    void aServerEchoingTheSecretHasItScrubbedFromTheTranscript() throws Exception {
        options.auth = new SmtpAuth(LOGIN, null, false);

        var result = probe(overTls("AUTH LOGIN")
                .reply("AUTH LOGIN", "334 VXNlcm5hbWU6\r\n")
                .reply(base64(USER), "334 UGFzc3dvcmQ6\r\n")
                .reply(base64(PASSWORD), "535 5.7.8 bad password " + base64(PASSWORD) + " (" + PASSWORD + ")\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(result.reason()).isEqualTo(Reason.AuthenticationFailed);
        assertThat(transcript(result)).contains("535 5.7.8 bad password <redacted> (<redacted>)");
        assertNoSecretIn(transcript(result));
    }

    @Test
    void anUnverifiedCertificateGetsNoPasswordUnlessCertificateChecksAreOff() throws Exception {
        options.auth = new SmtpAuth(LOGIN, null, false);
        var untrusted = ScriptedSmtpPeer.script().greeting("PIPELINING", "STARTTLS")
                .reply("STARTTLS", "220 2.0.0 Ready to start TLS\r\n")
                .startTls(TestCertificates.serverContext(TestCertificates.selfSigned(PeerProbe.MX_HOST)))
                .reply("EHLO", "250-mx.example.test\r\n250 AUTH PLAIN LOGIN\r\n");

        var refused = probe(untrusted.reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(refused.reason()).isEqualTo(Reason.CertificateUntrusted);
        assertThat(refused.stage()).isEqualTo(Stage.Auth);
        assertThat(refused.detail()).startsWith("AUTH not sent: the server's certificate did not verify");
        assertThat(peer.received()).noneMatch(line -> line.startsWith("AUTH"));

        options.insecure = true;
        var allowed = probe(ScriptedSmtpPeer.script().greeting("PIPELINING", "STARTTLS")
                .reply("STARTTLS", "220 2.0.0 Ready to start TLS\r\n")
                .startTls(TestCertificates.serverContext(TestCertificates.selfSigned(PeerProbe.MX_HOST)))
                .reply("EHLO", "250-mx.example.test\r\n250 AUTH PLAIN LOGIN\r\n")
                .reply("AUTH PLAIN", "235 2.7.0 Authentication successful\r\n")
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(allowed.reason()).isEqualTo(Reason.Accepted);
    }

    @Test
    void anAnonymousProbeSendsNoAuthEvenWhenOffered() throws Exception {
        var result = probe(overTls("AUTH PLAIN LOGIN")
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(peer.received()).noneMatch(line -> line.startsWith("AUTH"));
        assertThat(result.latencyMs()).doesNotContainKey(Stage.Auth);
    }
}
