package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who is to blame, decided by what really happened on loopback: a connect that times out, a bug of
 * ours in the middle of a dialogue with a well-behaved server, and replies of the corpus of real
 * MTAs (src/test/resources/replies/corpus.tsv) sent on the wire, end to end through the dialogue.
 */
@Tag("peers")
class FailureClassificationPeerTest {

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();
    private final TestOptions options = new TestOptions();

    /** The system clock, except that the first reading after {@link #failNextReading()} throws. */
    static final class FailingClock extends Clock {
        private final AtomicBoolean armed = new AtomicBoolean();

        void failNextReading() {
            armed.set(true);
        }

        @Override
        public long millis() {
            if (armed.compareAndSet(true, false)) {
                throw new IllegalStateException("deliberate failure of the clock");
            }
            return System.currentTimeMillis();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aBugOfOursMidDialogueIsAnInternalErrorAndTheServerStillGetsItsQuit() throws Exception {
        var clock = new FailingClock();
        // the clock breaks while the server answers MAIL FROM, so the next stage's bookkeeping throws
        var peer = peers.start(ScriptedSmtpPeer.script().greeting()
                .expect("MAIL FROM:").thenRun(clock::failNextReading).send("250 2.1.0 Ok\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        var result = PeerProbe.probe(peers.vertx(), clock, TlsSettings.systemDefault(), peer.port(), options.build())
                .result();

        assertThat(result.reason()).isEqualTo(Reason.InternalError);
        assertThat(result.outcome()).isEqualTo(Outcome.PermanentFailure);
        assertThat(result.stage()).isEqualTo(Stage.MailFrom);
        assertThat(result.reply()).isNull();
        assertThat(result.detail()).isEqualTo("internal error: java.lang.IllegalStateException: deliberate failure of the clock");
        assertThat(peer.awaitClientClosed(Duration.ofSeconds(2))).isTrue();
        assertThat(peer.received()).contains("QUIT").noneMatch(line -> line.startsWith("RCPT TO"));
        assertThat(peer.errors()).isEmpty();
    }

    @Test
    void anEhloRefusedWith550AsEximSendsItIsAnInvalidHeloName() throws Exception {
        String refusal = corpusReply("Exim", Stage.Ehlo, "550 Administrative prohibition");
        var peer = peers.start(ScriptedSmtpPeer.script().send("220 mx.example.test ESMTP Exim 4.98\r\n")
                .reply("EHLO", refusal).reply("QUIT", "221 mx.example.test closing connection\r\n"));

        var result = PeerProbe.probe(peers.vertx(), TlsSettings.systemDefault(), peer.port(), options.build()).result();

        assertThat(result.reason()).isEqualTo(Reason.InvalidHeloName);
        assertThat(result.outcome()).isEqualTo(Outcome.PermanentFailure);
        assertThat(result.stage()).isEqualTo(Stage.Ehlo);
        assertThat(result.reply().code()).isEqualTo(550);
        assertThat(peer.received()).noneMatch(line -> line.startsWith("MAIL FROM"));
    }

    @Test
    void exchangesRelayRefusalWith5754IsRelayDenied() throws Exception {
        var result = refusedAtRcpt(corpusReply("Exchange", Stage.RcptTo, "550 5.7.54 "));

        assertThat(result.reason()).isEqualTo(Reason.RelayDenied);
        assertThat(result.reply().enhancedCode()).isEqualTo("5.7.54");
    }

    @Test
    void postfixRejectingTheSenderAtRcptBlamesTheSenderNotTheRecipient() throws Exception {
        var result = refusedAtRcpt(corpusReply("Postfix", Stage.RcptTo, "554 5.7.1 <probe@probe.test>: Sender address rejected"));

        assertThat(result.reason()).isEqualTo(Reason.SenderRejected);
        assertThat(result.stage()).isEqualTo(Stage.RcptTo);
        assertThat(result.outcome()).isEqualTo(Outcome.PermanentFailure);
    }

    @Test
    void gmailsMultiLineUnknownAccountIsRecipientUnknown() throws Exception {
        var result = refusedAtRcpt(corpusReply("Gmail", Stage.RcptTo, "550-5.1.1 "));

        assertThat(result.reason()).isEqualTo(Reason.RecipientUnknown);
        assertThat(result.reply().lines()).hasSize(4);
    }

    @Test
    void harakasAcceptanceYieldsTheTransactionUuidAsQueueId() throws Exception {
        options.data = new MessageContent("Probe", "body");
        var peer = peers.start(ScriptedSmtpPeer.script().greeting()
                .reply("MAIL FROM:", "250 sender <probe@probe.test> OK\r\n")
                .reply("RCPT TO:", "250 recipient <postmaster@example.test> OK\r\n")
                .reply("DATA", "354 go ahead, make my day\r\n")
                .readMessage()
                .send(corpusReply("Haraka", Stage.Data, "250 Message Queued"))
                .reply("QUIT", "221 mx.example.test closing connection. Have a jolly good day.\r\n"));

        var result = PeerProbe.probe(peers.vertx(), TlsSettings.systemDefault(), peer.port(), options.build()).result();

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.queueId()).isEqualTo("5E6F7A8B-1C2D-4E3F-9A0B-C1D2E3F4A5B6.1");
    }

    private ServerResult refusedAtRcpt(String refusal) throws Exception {
        var peer = peers.start(ScriptedSmtpPeer.script().greeting()
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", refusal)
                .reply("QUIT", "221 2.0.0 Bye\r\n"));
        var result = PeerProbe.probe(peers.vertx(), TlsSettings.systemDefault(), peer.port(), options.build()).result();
        assertThat(result.stage()).isEqualTo(Stage.RcptTo);
        assertThat(peer.received()).contains("QUIT");
        return result;
    }

    /** The corpus reply of this MTA at this stage that starts so, as its bytes go on the wire. */
    private static String corpusReply(String mta, Stage stage, String start) {
        return ReplyCorpus.entries().stream()
                .filter(e -> e.mta().equals(mta) && e.stage() == stage && e.wire().startsWith(start))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no " + mta + " " + stage + " reply " + start))
                .wire() + "\r\n";
    }

    @Test
    void aServerWhoseAcceptQueueIsFullIsAConnectTimeout() throws Exception {
        // Linux drops a SYN while the listener's accept queue is full: the handshake never completes,
        // as behind a firewall that drops packets, and Netty's connect timer decides
        try (var listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = fillAcceptQueue(listener);
            try {
                var timed = PeerProbe.probe(peers.vertx(), TlsSettings.systemDefault(), listener.getLocalPort(),
                        options.build());

                assertThat(timed.result().reason()).isEqualTo(Reason.ConnectTimeout);
                assertThat(timed.result().stage()).isEqualTo(Stage.Connect);
                assertThat(timed.elapsed()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    /** Connects until a connect no longer completes within 200 ms; returns the sockets to close. */
    private static List<Socket> fillAcceptQueue(ServerSocket listener) throws Exception {
        List<Socket> queued = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            var socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), 200);
                queued.add(socket);
            } catch (java.net.SocketTimeoutException full) {
                socket.close();
                return queued;
            }
        }
        throw new IllegalStateException("the accept queue did not fill after " + queued.size() + " connections");
    }
}
