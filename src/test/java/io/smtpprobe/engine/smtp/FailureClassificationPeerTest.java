package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
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
 * Who is to blame, decided by what really happened on loopback: a connect that times out, and a
 * bug of ours in the middle of a dialogue with a well-behaved server.
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
