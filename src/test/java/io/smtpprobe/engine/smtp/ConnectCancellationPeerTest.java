package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.Timeouts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A TCP connect that is still pending when the run is cancelled ends the attempt at once, as
 * cancelled, instead of holding the probe (and the server's permit) until the connect timeout. The
 * pending connect is real: a loopback listener that never accepts, its backlog filled, so the kernel
 * drops further SYNs and a connect waits for its timeout.
 */
@Tag("peers")
class ConnectCancellationPeerTest {

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();

    /** Far longer than the test waits: only the cancellation can end the connect in time. */
    private static final Timeouts PATIENT = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60));

    @Test
    void cancellingWhileTheTcpConnectIsPendingEndsTheAttemptAtOnceAsCancelled() throws Exception {
        try (var listener = FullBacklog.open()) {
            var options = new TestOptions();
            options.timeouts = PATIENT;
            var cancellation = new ProbeCancellation();
            var target = new SmtpTarget("mx.pending.test", InetAddress.getLoopbackAddress(), listener.port(), 10);
            try (var prober = new VertxSmtpProber(peers.vertx(), Clock.systemUTC(), TlsSettings.systemDefault())) {
                CompletableFuture<ServerResult> probe = prober.probe(target, options.build(), cancellation)
                        .toCompletionStage().toCompletableFuture();
                Thread.sleep(700);
                assertThat(probe).as("the connect is still pending (the listener's backlog is full)").isNotDone();

                long cancelledAt = System.nanoTime();
                cancellation.cancel();
                ServerResult result = probe.get(2, TimeUnit.SECONDS);

                assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(1));
                assertThat(result.stage()).isEqualTo(Stage.Connect);
                assertThat(result.reason()).isEqualTo(Reason.RunDeadlineExceeded);
                assertThat(result.detail()).isEqualTo("the probe run was cancelled");
                assertThat(result.transcript()).noneMatch(line -> line.text().contains("Connected to"));
            }
        }
    }

    @Test
    void aPendingConnectNobodyCancelsStillEndsAtItsConnectTimeout() throws Exception {
        try (var listener = FullBacklog.open()) {
            var options = new TestOptions();
            options.timeouts = new Timeouts(Duration.ofMillis(800), Duration.ofSeconds(30), Duration.ofSeconds(60));
            var target = new SmtpTarget("mx.pending.test", InetAddress.getLoopbackAddress(), listener.port(), 10);
            try (var prober = new VertxSmtpProber(peers.vertx(), Clock.systemUTC(), TlsSettings.systemDefault())) {
                ServerResult result = prober.probe(target, options.build(), new ProbeCancellation())
                        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

                assertThat(result.stage()).isEqualTo(Stage.Connect);
                assertThat(result.reason()).isEqualTo(Reason.ConnectTimeout);
            }
        }
    }

    /** A loopback listener that never accepts, with its accept queue full: a new connect stays pending. */
    private static final class FullBacklog implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> queued = new ArrayList<>();

        private FullBacklog(ServerSocket server) {
            this.server = server;
        }

        static FullBacklog open() throws IOException {
            var listener = new FullBacklog(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            // Linux queues backlog + 1 connections; fill until a connect no longer completes
            for (int i = 0; i < 16; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.port()), 300);
                    listener.queued.add(socket);
                } catch (SocketTimeoutException full) {
                    socket.close();
                    return listener;
                }
            }
            listener.close();
            throw new IllegalStateException("the listener's backlog never filled: no pending connect to test with");
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket socket : queued) {
                socket.close();
            }
            server.close();
        }
    }
}
