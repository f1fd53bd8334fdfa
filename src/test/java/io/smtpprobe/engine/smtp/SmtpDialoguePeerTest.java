package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.TranscriptLine;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.Notify;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.Reason;
import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.TranscriptLine.Direction;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("peers")
class SmtpDialoguePeerTest {

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();
    private ScriptedSmtpPeer peer;
    private final TestOptions options = new TestOptions();

    private PeerProbe.Timed probe(ScriptedSmtpPeer script) throws Exception {
        peer = peers.start(script);
        return PeerProbe.probe(peers.vertx(), TlsSettings.systemDefault(), peer.port(), options.build());
    }

    private static ScriptedSmtpPeer acceptingDialogue(String... extensions) {
        return ScriptedSmtpPeer.script().greeting(extensions)
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n");
    }

    @Test
    void acceptingServerWalksEveryStage() throws Exception {
        var timed = probe(acceptingDialogue("PIPELINING", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES"));
        var result = timed.result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.outcome()).isEqualTo(Outcome.Success);
        assertThat(result.stage()).isEqualTo(Stage.Quit);
        assertThat(result.reply().code()).isEqualTo(250);
        assertThat(result.extensions()).containsExactly("PIPELINING", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES");
        assertThat(result.dsnSupported()).isFalse();
        assertThat(result.tls()).isNull();
        assertThat(result.latencyMs()).containsKeys(Stage.Connect, Stage.Banner, Stage.Ehlo, Stage.MailFrom, Stage.RcptTo, Stage.Quit);
        assertThat(result.transcript()).contains(
                new TranscriptLine(Direction.Info, "Connected to 127.0.0.1:" + peer.port()),
                new TranscriptLine(Direction.Server, "220 mx.example.test ESMTP scripted"),
                new TranscriptLine(Direction.Client, "EHLO probe.test"),
                new TranscriptLine(Direction.Server, "250-mx.example.test"),
                new TranscriptLine(Direction.Client, "MAIL FROM:<probe@probe.test>"),
                new TranscriptLine(Direction.Client, "RCPT TO:<postmaster@example.test>"),
                new TranscriptLine(Direction.Client, "QUIT"));
        assertThat(peer.awaitClientClosed(Duration.ofSeconds(3))).isTrue();
        assertThat(peer.errors()).isEmpty();
        assertThat(timed.elapsed()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void multiLineRepliesWithBareLineFeedsAreUnderstood() throws Exception {
        var result = probe(ScriptedSmtpPeer.script()
                .send("220-mx.example.test ESMTP\n220 second greeting line\n")
                .reply("EHLO", "250-mx.example.test\n250-DSN\n250 8BITMIME\n")
                .reply("MAIL FROM:", "250\n")
                .reply("RCPT TO:", "250 ok\n")
                .reply("QUIT", "221\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.extensions()).containsExactly("DSN", "8BITMIME");
    }

    @Test
    void emptyReversePathIsSentAsAngleBrackets() throws Exception {
        options.mailFrom = "";

        var result = probe(acceptingDialogue()).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(peer.received()).contains("MAIL FROM:<>");
    }

    @Test
    void ehloRefusalFallsBackToHelo() throws Exception {
        var result = probe(ScriptedSmtpPeer.script()
                .send("220 old.example.test SMTP\r\n")
                .reply("EHLO", "502 5.5.2 Error: command not recognized\r\n")
                .reply("HELO probe.test", "250 old.example.test\r\n")
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:", "250 Ok\r\n")
                .reply("QUIT", "221 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.extensions()).isEmpty();
        assertThat(result.latencyMs()).containsKey(Stage.Helo);
        assertThat(peer.received()).contains("HELO probe.test");
    }

    @Test
    void ehloSyntaxErrorIsAnInvalidHeloName() throws Exception {
        var timed = probe(ScriptedSmtpPeer.script()
                .send("220 mx.example.test ESMTP\r\n")
                .reply("EHLO", "501 5.5.4 Invalid EHLO hostname\r\n")
                .reply("QUIT", "221 Bye\r\n"));

        assertThat(timed.result().reason()).isEqualTo(Reason.InvalidHeloName);
        assertThat(timed.result().stage()).isEqualTo(Stage.Ehlo);
        assertThat(timed.result().reply().enhancedCode()).isEqualTo("5.5.4");
        assertThat(peer.received()).containsExactly("EHLO probe.test", "QUIT");
        assertThat(timed.elapsed()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void overlongReplyLineIsAProtocolViolation() throws Exception {
        var timed = probe(ScriptedSmtpPeer.script().send("220 " + "x".repeat(5000) + "\r\n"));

        assertThat(timed.result().reason()).isEqualTo(Reason.ProtocolViolation);
        assertThat(timed.result().stage()).isEqualTo(Stage.Banner);
        assertThat(timed.result().detail()).contains("exceeds 2048 bytes");
        assertThat(timed.elapsed()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void endlessMultiLineReplyIsAProtocolViolation() throws Exception {
        var timed = probe(ScriptedSmtpPeer.script()
                .send("220 mx.example.test\r\n")
                .expect("EHLO")
                .send("250-endless\r\n".repeat(500)));

        assertThat(timed.result().reason()).isEqualTo(Reason.ProtocolViolation);
        assertThat(timed.result().stage()).isEqualTo(Stage.Ehlo);
        assertThat(timed.result().detail()).contains("exceeds 100 lines");
        assertThat(timed.elapsed()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void garbageReplyCodeIsAProtocolViolation() throws Exception {
        var result = probe(ScriptedSmtpPeer.script().send("HTTP/1.1 400 Bad Request\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.ProtocolViolation);
        assertThat(result.detail()).contains("malformed reply line");
    }

    @Test
    void tricklingServerStillHitsTheCommandDeadline() throws Exception {
        // a byte every 400 ms would keep a per-byte timer of 1 s alive forever
        var timed = probe(ScriptedSmtpPeer.script()
                .send("220 mx.example.test\r\n")
                .expect("EHLO")
                .sendSlowly("250-mx.example.test slowly\r\n", Duration.ofMillis(400)));

        assertThat(timed.result().reason()).isEqualTo(Reason.CommandTimeout);
        assertThat(timed.result().stage()).isEqualTo(Stage.Ehlo);
        assertThat(timed.elapsed()).isBetween(Duration.ofMillis(900), Duration.ofMillis(2000));
    }

    @Test
    void eachReplyGetsItsFullDeadlineAfterASlowEarlierOne() throws Exception {
        // the EHLO reply's second counts from EHLO, not from when the slow banner was awaited
        var timed = probe(ScriptedSmtpPeer.script()
                .pause(Duration.ofMillis(700)).send("220 mx.example.test\r\n")
                .expect("EHLO"));

        assertThat(timed.result().reason()).isEqualTo(Reason.CommandTimeout);
        assertThat(timed.result().stage()).isEqualTo(Stage.Ehlo);
        assertThat(timed.elapsed()).isBetween(Duration.ofMillis(1650), Duration.ofMillis(2600));
    }

    @Test
    void serverAnsweringJustInTimeStillHitsTheTotalDeadline() throws Exception {
        options.timeouts = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(2000));
        var timed = probe(ScriptedSmtpPeer.script()
                .send("220 mx.example.test\r\n")
                .expect("EHLO").pause(Duration.ofMillis(700)).send("250 mx.example.test\r\n")
                .expect("MAIL").pause(Duration.ofMillis(700)).send("250 ok\r\n")
                .expect("RCPT").pause(Duration.ofMillis(700)).send("250 ok\r\n"));

        assertThat(timed.result().reason()).isEqualTo(Reason.CommandTimeout);
        assertThat(timed.result().stage()).isEqualTo(Stage.RcptTo);
        assertThat(timed.result().detail()).contains("total deadline");
        assertThat(timed.elapsed()).isBetween(Duration.ofMillis(1900), Duration.ofMillis(2800));
    }

    @Test
    void silentServerIsABannerTimeout() throws Exception {
        var timed = probe(ScriptedSmtpPeer.script());

        assertThat(timed.result().reason()).isEqualTo(Reason.BannerTimeout);
        assertThat(timed.result().stage()).isEqualTo(Stage.Banner);
        assertThat(timed.elapsed()).isBetween(Duration.ofMillis(900), Duration.ofMillis(2000));
        assertThat(peer.awaitClientClosed(Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void resetMidDialogueIsConnectionClosed() throws Exception {
        var timed = probe(ScriptedSmtpPeer.script().greeting().expect("MAIL FROM").resetConnection());

        assertThat(timed.result().reason()).isEqualTo(Reason.ConnectionClosed);
        assertThat(timed.result().stage()).isEqualTo(Stage.MailFrom);
        assertThat(timed.elapsed()).isLessThan(Duration.ofMillis(1500));
    }

    @Test
    void peerClosingFailsTheAwaitedReplyAtOnceNotAtTheTimeout() throws Exception {
        options.timeouts = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(8));

        var timed = probe(ScriptedSmtpPeer.script().greeting().expect("MAIL FROM").closeConnection());

        assertThat(timed.result().reason()).isEqualTo(Reason.ConnectionClosed);
        assertThat(timed.result().detail()).contains("closed the connection");
        assertThat(timed.elapsed()).isLessThan(Duration.ofMillis(1500));
    }

    @Test
    void refusedConnectionIsConnectRefused() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var timed = PeerProbe.probe(peers.vertx(), TlsSettings.systemDefault(), closedPort, options.build());

        assertThat(timed.result().reason()).isEqualTo(Reason.ConnectRefused);
        assertThat(timed.result().stage()).isEqualTo(Stage.Connect);
        assertThat(timed.elapsed()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void greylistingIsATransientGreylistedResult() throws Exception {
        var result = probe(ScriptedSmtpPeer.script().greeting()
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "450 4.7.1 <postmaster@example.test>: Recipient address rejected: try again later\r\n")
                .reply("QUIT", "221 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.Greylisted);
        assertThat(result.outcome()).isEqualTo(Outcome.TransientFailure);
        assertThat(result.stage()).isEqualTo(Stage.RcptTo);
        assertThat(peer.received()).contains("QUIT");
    }

    @Test
    void everyRecipientIsTriedAndTheWorstDecides() throws Exception {
        options.rcptTo = List.of("a@example.test", "b@example.test", "c@example.test");

        var result = probe(ScriptedSmtpPeer.script().greeting()
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:<a@", "250 Ok\r\n")
                .reply("RCPT TO:<b@", "450 4.7.1 greylisted\r\n")
                .reply("RCPT TO:<c@", "550 5.1.1 User unknown\r\n")
                .reply("QUIT", "221 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.RecipientUnknown);
        assertThat(result.reply().code()).isEqualTo(550);
        assertThat(peer.received()).contains("RCPT TO:<a@example.test>", "RCPT TO:<b@example.test>", "RCPT TO:<c@example.test>");
    }

    @Test
    void notifyIsSentOnlyWhenTheServerAdvertisesDsn() throws Exception {
        options.dsnNotify = Set.of(Notify.FAILURE, Notify.SUCCESS);

        var result = probe(acceptingDialogue("DSN")).result();

        assertThat(result.dsnSupported()).isTrue();
        assertThat(peer.received()).contains("RCPT TO:<postmaster@example.test> NOTIFY=SUCCESS,FAILURE");
    }

    @Test
    void notifyNeverIsNeverCombined() throws Exception {
        options.dsnNotify = Set.of(Notify.NEVER, Notify.SUCCESS);

        probe(acceptingDialogue("DSN"));

        assertThat(peer.received()).contains("RCPT TO:<postmaster@example.test> NOTIFY=NEVER");
    }

    @Test
    void floodOfUnaskedRepliesIsAProtocolViolation() throws Exception {
        var timed = probe(ScriptedSmtpPeer.script().send("220 mx.example.test\r\n".repeat(50)));

        assertThat(timed.result().reason()).isEqualTo(Reason.ProtocolViolation);
        assertThat(timed.result().transcript()).hasSizeLessThan(Transcript.MAX_LINES);
        assertThat(timed.elapsed()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void anExtraReplyInTheBannerSegmentIsAProtocolViolationBeforeEhlo() throws Exception {
        var timed = probe(ScriptedSmtpPeer.script()
                .send("220 mx.example.test ESMTP\r\n250 2.0.0 unasked\r\n")
                .reply("EHLO", "250 mx.example.test\r\n")
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n"));

        assertThat(timed.result().reason()).isEqualTo(Reason.ProtocolViolation);
        assertThat(timed.result().stage()).isEqualTo(Stage.Banner);
        assertThat(timed.result().detail()).contains("no command asked for").contains("after the reply to the banner");
        assertThat(peer.received()).noneMatch(line -> line.startsWith("EHLO"));
        assertThat(timed.elapsed()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void twoRepliesToMailFromAreAProtocolViolationAndRcptIsNeverSent() throws Exception {
        var timed = probe(ScriptedSmtpPeer.script().greeting()
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n250 2.1.0 Ok again\r\n")
                .reply("RCPT TO:", "550 5.1.1 <postmaster@example.test>: User unknown\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(timed.result().reason()).isEqualTo(Reason.ProtocolViolation);
        assertThat(timed.result().stage()).isEqualTo(Stage.MailFrom);
        assertThat(timed.result().detail()).contains("1 more reply after the reply to MAIL FROM");
        assertThat(peer.received()).noneMatch(line -> line.startsWith("RCPT"));
    }

    @Test
    void aPartialExtraReplyAfterTheAwaitedOneIsAProtocolViolation() throws Exception {
        var timed = probe(ScriptedSmtpPeer.script().greeting()
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n250 2.1")
                .reply("RCPT TO:", ".5 Ok\r\n550 5.1.1 unknown\r\n"));

        assertThat(timed.result().reason()).isEqualTo(Reason.ProtocolViolation);
        assertThat(timed.result().stage()).isEqualTo(Stage.MailFrom);
        assertThat(peer.received()).noneMatch(line -> line.startsWith("RCPT"));
    }

    @Test
    void anUnsolicitedReplyFollowedByA550ToRcptIsNeverAccepted() throws Exception {
        // The extra 250 arrives while RCPT is outstanding, so nothing on the wire tells it from
        // RCPT's reply; the 550 that follows comes when QUIT is outstanding, and QUIT answered
        // with anything but 2xx shows the replies were one step behind.
        var timed = probe(ScriptedSmtpPeer.script().greeting()
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .expect("RCPT TO:")
                .send("250 2.1.0 Ok, once more\r\n")
                .pause(Duration.ofMillis(200))
                .send("550 5.1.1 <postmaster@example.test>: User unknown\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(timed.result().reason()).isEqualTo(Reason.ProtocolViolation);
        assertThat(timed.result().outcome()).isNotEqualTo(Outcome.Success);
        assertThat(timed.result().detail()).contains("QUIT answered 550 instead of 221");
    }

    @Test
    void anUnsolicitedReplyWithTheRcptReplyIsAProtocolViolationAtRcpt() throws Exception {
        var timed = probe(ScriptedSmtpPeer.script().greeting()
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.0 Ok, once more\r\n550 5.1.1 <postmaster@example.test>: User unknown\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        assertThat(timed.result().reason()).isEqualTo(Reason.ProtocolViolation);
        assertThat(timed.result().stage()).isEqualTo(Stage.RcptTo);
        assertThat(timed.result().outcome()).isNotEqualTo(Outcome.Success);
    }

    @Test
    void bytesAfterTheReplyToQuitAreIgnored() throws Exception {
        var timed = probe(acceptingDialogue().send("250 2.0.0 after the end\r\n"));

        assertThat(timed.result().reason()).isEqualTo(Reason.Accepted);
        assertThat(timed.result().outcome()).isEqualTo(Outcome.Success);
    }

    @Test
    void notifyIsLeftOutWithoutDsn() throws Exception {
        options.dsnNotify = Set.of(Notify.FAILURE);

        var result = probe(acceptingDialogue("PIPELINING")).result();

        assertThat(result.dsnSupported()).isFalse();
        assertThat(peer.received()).contains("RCPT TO:<postmaster@example.test>");
    }

    @Test
    void dataIsDotStuffedAndTheQueueIdReported() throws Exception {
        options.data = new MessageContent("Probe", "first\n.hidden\n.\nlast");

        var result = probe(ScriptedSmtpPeer.script().greeting("8BITMIME")
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:", "250 Ok\r\n")
                .reply("DATA", "354 End data with <CR><LF>.<CR><LF>\r\n")
                .readMessage()
                .send("250 2.0.0 Ok: queued as 4Xyz\r\n")
                .reply("QUIT", "221 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.queueId()).isEqualTo("4Xyz");
        assertThat(result.latencyMs()).containsKey(Stage.Data);
        assertThat(peer.message()).contains("Subject: Probe\r\n").endsWith("\r\n\r\nfirst\r\n..hidden\r\n..\r\nlast\r\n");
        assertThat(peer.errors()).isEmpty();
    }

    @Test
    void slowReplyToTheFinalDotGetsMoreThanTheCommandTimeout() throws Exception {
        options.data = new MessageContent("Probe", "body");
        options.timeouts = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5));

        var result = probe(ScriptedSmtpPeer.script().greeting()
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:", "250 Ok\r\n")
                .reply("DATA", "354 go ahead\r\n")
                .readMessage()
                .pause(Duration.ofMillis(1500))
                .send("250 2.0.0 Ok: queued as 4Slow\r\n")
                .reply("QUIT", "221 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.queueId()).isEqualTo("4Slow");
    }

    @Test
    void slowReplyToTheFinalDotIsStillBoundedByTheTotalDeadline() throws Exception {
        options.data = new MessageContent("Probe", "body");
        options.timeouts = new Timeouts(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(1500));

        var timed = probe(ScriptedSmtpPeer.script().greeting()
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:", "250 Ok\r\n")
                .reply("DATA", "354 go ahead\r\n")
                .readMessage()
                .pause(Duration.ofSeconds(3))
                .send("250 2.0.0 Ok: queued as 4Late\r\n"));

        assertThat(timed.result().reason()).isEqualTo(Reason.CommandTimeout);
        assertThat(timed.result().stage()).isEqualTo(Stage.Data);
        assertThat(timed.elapsed()).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void rejectedMessageIsMessageRejected() throws Exception {
        options.data = new MessageContent("Probe", "body");

        var result = probe(ScriptedSmtpPeer.script().greeting()
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:", "250 Ok\r\n")
                .reply("DATA", "354 go ahead\r\n")
                .readMessage()
                .send("554 5.7.1 Message rejected as spam\r\n")
                .reply("QUIT", "221 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.MessageRejected);
        assertThat(result.stage()).isEqualTo(Stage.Data);
    }

    @Test
    void lineBreakInTheEhloNameNeverReachesTheWire() throws Exception {
        options.ehloName = "probe.test\r\nMAIL FROM:<evil@evil.test>";

        var result = probe(ScriptedSmtpPeer.script()
                .send("220 mx.example.test\r\n")
                .reply("QUIT", "221 Bye\r\n")).result();

        // input the validator should have refused is our failure, not a 5xx from the server
        assertThat(result.reason()).isEqualTo(Reason.InternalError);
        assertThat(result.detail()).contains("control characters");
        assertThat(peer.awaitClientClosed(Duration.ofSeconds(2))).isTrue();
        assertThat(peer.received()).containsExactly("QUIT");
    }

    @Test
    void nulInTheSenderNeverReachesTheWire() throws Exception {
        options.mailFrom = "probe@probe.test\u0000";

        var result = probe(ScriptedSmtpPeer.script().greeting()
                .reply("QUIT", "221 Bye\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.InternalError);
        assertThat(result.stage()).isEqualTo(Stage.MailFrom);
        assertThat(peer.awaitClientClosed(Duration.ofSeconds(2))).isTrue();
        assertThat(peer.received()).containsExactly("EHLO probe.test", "QUIT");
    }

    @Test
    void escapeSequencesFromTheServerAreNeutralisedInTheTranscript() throws Exception {
        var result = probe(ScriptedSmtpPeer.script().send("554 \u001b[2J go away\r\n").reply("QUIT", "221 Bye\r\n"))
                .result();

        assertThat(result.reason()).isEqualTo(Reason.ServiceNotAvailable);
        assertThat(result.transcript()).contains(new TranscriptLine(Direction.Server, "554 \\x1b[2J go away"));
        assertThat(result.transcript()).allSatisfy(line -> assertThat(line.text()).doesNotContain("\u001b"));
    }

    @Test
    void serverTextIsEscapedExactlyOnceInTheTranscriptAndReply() throws Exception {
        var result = probe(ScriptedSmtpPeer.script().send("554 C:\\spool \u001b full\r\n").reply("QUIT", "221 Bye\r\n"))
                .result();

        assertThat(result.reply().text()).isEqualTo("C:\\\\spool \\x1b full");
        assertThat(result.transcript()).contains(new TranscriptLine(Direction.Server, "554 C:\\\\spool \\x1b full"));
    }

    @Test
    void malformedReplyLineIsEscapedExactlyOnceInTheDetail() throws Exception {
        var result = probe(ScriptedSmtpPeer.script().send("hello \\ \u001b\r\n")).result();

        assertThat(result.reason()).isEqualTo(Reason.ProtocolViolation);
        assertThat(result.detail()).isEqualTo("malformed reply line: hello \\\\ \\x1b");
    }
}
