package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.Notify;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TranscriptLine;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The line-ending policy (README "Line endings") against a server that gets it wrong. */
@Tag("peers")
class LineEndingsPeerTest {

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();
    private final TestOptions options = new TestOptions();
    private ScriptedSmtpPeer peer;

    private PeerProbe.Timed probe(ScriptedSmtpPeer script) throws Exception {
        peer = peers.start(script);
        return PeerProbe.probe(peers.vertx(), TlsSettings.systemDefault(), peer.port(), options.build());
    }

    @Test
    void strayCrsBareLfsAndBareCrsNeitherBreakKeywordsNorHideInText() throws Exception {
        options.dsnNotify = Set.of(Notify.SUCCESS);
        options.data = new MessageContent("line endings", "one\rtwo\nthree\r\n");

        var result = probe(ScriptedSmtpPeer.script()
                .send("220 mx.example.test ESMTP\r\r\n")
                .reply("EHLO", "250-mx.example.test\r\r\n250-PIPELINING\r\r\n250-8BITMIME\n250 DSN\r\r\n")
                .reply("MAIL FROM:", "250 2.1.0 Ok\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\rnot a new line\r\n")
                .reply("DATA", "354 go ahead\r\n")
                .readMessage().send("250 2.0.0 Ok: queued as 4Q2kFh0xyz\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.stage()).isEqualTo(Stage.Quit);
        assertThat(result.extensions()).containsExactly("PIPELINING", "8BITMIME", "DSN");
        // DSN was recognised despite its stray CR
        assertThat(peer.received()).contains("RCPT TO:<postmaster@example.test> NOTIFY=SUCCESS");
        assertThat(result.transcript()).filteredOn(line -> line.direction() == TranscriptLine.Direction.Server)
                .extracting(TranscriptLine::text)
                .contains("250 2.1.5 Ok\\x0dnot a new line")
                .allSatisfy(text -> assertThat(text).doesNotContain("\r", "\n"));
        // everything the probe sent ends in CRLF, with no bare CR or LF anywhere
        List<String> sent = peer.rawReceived();
        assertThat(sent).isNotEmpty().allSatisfy(line -> {
            assertThat(line).endsWith("\r\n");
            assertThat(line.substring(0, line.length() - 2)).doesNotContain("\r", "\n");
        });
        assertThat(peer.message()).contains("one\r\ntwo\r\nthree\r\n");
        assertThat(peer.errors()).isEmpty();
    }
}
