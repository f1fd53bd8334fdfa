package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Stage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RFC 6531: a non-ASCII address goes out only with SMTPUTF8 on MAIL FROM, and only when offered. */
@Tag("peers")
class SmtpUtf8PeerTest {

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();
    private final TestOptions options = new TestOptions();
    private ScriptedSmtpPeer peer;

    private PeerProbe.Timed probe(ScriptedSmtpPeer script) throws Exception {
        peer = peers.start(script);
        return PeerProbe.probe(peers.vertx(), TlsSettings.systemDefault(), peer.port(), options.build());
    }

    /** What the peer records for a line sent as UTF-8: it decodes every byte as ISO-8859-1. */
    private static String asUtf8OnTheWire(String line) {
        return new String(line.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aNonAsciiRecipientGoesOutAsUtf8WithSmtpUtf8OnMailFrom() throws Exception {
        options.rcptTo = List.of("jürgen@example.test");

        var result = probe(ScriptedSmtpPeer.script().greeting("8BITMIME", "SMTPUTF8")
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(peer.received()).containsExactly("EHLO probe.test", "MAIL FROM:<probe@probe.test> SMTPUTF8",
                asUtf8OnTheWire("RCPT TO:<jürgen@example.test>"), "QUIT");
    }

    @Test
    void aNonAsciiSenderNeedsSmtpUtf8Too() throws Exception {
        options.mailFrom = "prüfer@probe.test";

        var result = probe(ScriptedSmtpPeer.script().greeting("SMTPUTF8")
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(peer.received()).contains(asUtf8OnTheWire("MAIL FROM:<prüfer@probe.test> SMTPUTF8"));
    }

    @Test
    void withoutSmtpUtf8OfferedTheDialogueStopsBeforeMailAndSendsNothingNonAscii() throws Exception {
        options.rcptTo = List.of("jürgen@example.test");

        var result = probe(ScriptedSmtpPeer.script().greeting("8BITMIME", "DSN")
                .reply("QUIT", "221 2.0.0 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.SmtpUtf8NotOffered);
        assertThat(result.stage()).isEqualTo(Stage.MailFrom);
        assertThat(result.reply()).isNull();
        assertThat(result.detail()).contains("does not offer SMTPUTF8");
        assertThat(peer.received()).containsExactly("EHLO probe.test", "QUIT");
        assertThat(String.join("", peer.rawReceived())).matches("\\p{ASCII}*");
    }

    @Test
    void asciiAddressesNeverAskForSmtpUtf8EvenWhenOffered() throws Exception {
        var result = probe(ScriptedSmtpPeer.script().greeting("SMTPUTF8")
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(peer.received()).contains("MAIL FROM:<probe@probe.test>");
    }

    @Test
    void aCommandLongerThan512OctetsIsRefusedBeforeConnecting() throws Exception {
        options.rcptTo = List.of("ü".repeat(250) + "@example.test");

        var result = probe(ScriptedSmtpPeer.script().greeting("SMTPUTF8")).result();

        assertThat(result.reason()).isEqualTo(Reason.CommandTooLong);
        assertThat(result.stage()).isEqualTo(Stage.Connect);
        assertThat(result.detail()).startsWith("refused to send a command of 525 octets (RFC 5321 4.5.3.1.4 allows 512");
        assertThat(peer.connectionsAccepted()).isZero();
    }
}
