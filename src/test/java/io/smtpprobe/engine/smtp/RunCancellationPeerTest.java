package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.engine.DefaultProbeRunner;
import io.smtpprobe.engine.EgressPolicy;
import io.smtpprobe.engine.HostLimiter;
import io.smtpprobe.engine.dns.MxResolution;
import io.smtpprobe.engine.dns.MxResolver;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cancelling a run (the resource was deleted or changed, leadership lost, shutdown) stops the
 * dialogues already on the wire: sockets and per-server permits are not held until the dialogue's
 * own deadline, which these tests make far longer than what they wait.
 */
@Tag("peers")
class RunCancellationPeerTest {

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();

    /** Long enough that only the cancellation can end the dialogue within the test's waits. */
    private static final Timeouts PATIENT = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60));

    @Test
    void cancellingTheRunClosesTheStalledDialogueAtOnceAndFreesTheServersPermit() throws Exception {
        CountDownLatch mailSent = new CountDownLatch(1);
        // answers EHLO, then never answers MAIL FROM
        ScriptedSmtpPeer peer = peers.start(ScriptedSmtpPeer.script()
                .greeting("8BITMIME")
                .expect("MAIL FROM")
                .thenRun(mailSent::countDown));
        HostLimiter limiter = new HostLimiter(1);
        String permit = "127.0.0.1|" + peer.port();
        try (var prober = new VertxSmtpProber(peers.vertx(), Clock.systemUTC(), TlsSettings.systemDefault())) {
            var runner = new DefaultProbeRunner(loopbackMx(), prober, EgressPolicy.unrestricted(), limiter);

            CompletableFuture<ProbeReport> run = runner.run(request(peer.port())).toCompletableFuture();
            assertThat(mailSent.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(limiter.inUse(permit)).isEqualTo(1);
            long cancelledAt = System.nanoTime();
            run.cancel(true);

            assertThat(peer.awaitClientClosed(Duration.ofSeconds(2))).as("connection closed within 2 s").isTrue();
            // the dialogue's state is already out of step (MAIL is unanswered), so QUIT is only said, never awaited
            assertThat(peer.received()).containsExactly("EHLO probe.test", "MAIL FROM:<probe@probe.test>", "QUIT");
            assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(2));

            // the permit is back (released right after the close): the next probe of this server starts at once
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (limiter.inUse(permit) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            CompletableFuture<Runnable> next = limiter.acquire(permit).toCompletableFuture();
            assertThat(next).isDone();
            next.join().run();
        }
    }

    @Test
    void aCancelledProbeEndsPromptlyWithAResultNobodyMistakesForTheServersVerdict() throws Exception {
        CountDownLatch mailSent = new CountDownLatch(1);
        ScriptedSmtpPeer peer = peers.start(ScriptedSmtpPeer.script()
                .greeting()
                .expect("MAIL FROM")
                .thenRun(mailSent::countDown));
        var options = new TestOptions();
        options.timeouts = PATIENT;
        var cancellation = new ProbeCancellation();
        var target = new SmtpTarget("mx.cancel.test", InetAddress.getLoopbackAddress(), peer.port(), 10);
        try (var prober = new VertxSmtpProber(peers.vertx(), Clock.systemUTC(), TlsSettings.systemDefault())) {
            var probe = prober.probe(target, options.build(), cancellation).toCompletionStage().toCompletableFuture();
            assertThat(mailSent.await(10, TimeUnit.SECONDS)).isTrue();

            cancellation.cancel();

            ServerResult result = probe.get(2, TimeUnit.SECONDS);
            assertThat(result.reason()).isEqualTo(Reason.RunDeadlineExceeded);
            assertThat(result.detail()).isEqualTo("the probe run was cancelled");
            assertThat(peer.awaitClientClosed(Duration.ofSeconds(2))).isTrue();
        }
    }

    @Test
    void aProbeStartedAfterTheCancellationNeverTalksToTheServer() throws Exception {
        ScriptedSmtpPeer peer = peers.start(ScriptedSmtpPeer.script().greeting());
        var options = new TestOptions();
        options.timeouts = PATIENT;
        var cancellation = new ProbeCancellation();
        cancellation.cancel();
        var target = new SmtpTarget("mx.cancel.test", InetAddress.getLoopbackAddress(), peer.port(), 10);
        try (var prober = new VertxSmtpProber(peers.vertx(), Clock.systemUTC(), TlsSettings.systemDefault())) {
            ServerResult result = prober.probe(target, options.build(), cancellation)
                    .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);

            assertThat(result.reason()).isEqualTo(Reason.RunDeadlineExceeded);
            assertThat(peer.awaitClientClosed(Duration.ofSeconds(2))).isTrue();
            assertThat(peer.received()).isEmpty();
        }
    }

    private static ProbeRequest request(int port) {
        var options = new TestOptions();
        options.timeouts = PATIENT;
        options.tlsMode = io.smtpprobe.core.TlsMode.Disabled;
        return new ProbeRequest(List.of("cancel.test"), List.of(), port, MxPolicy.Preferred, options.build());
    }

    private static MxResolver loopbackMx() {
        MxHost mx = new MxHost("mx.cancel.test", 10, false, List.of(InetAddress.getLoopbackAddress()), null);
        return new MxResolver() {
            @Override
            public CompletionStage<MxResolution> resolve(String domain) {
                return CompletableFuture.completedFuture(new MxResolution(domain, DnsStatus.Ok, List.of(mx), null));
            }

            @Override
            public CompletionStage<MxHost> resolveHost(String host, int preference) {
                return CompletableFuture.completedFuture(mx);
            }
        };
    }
}
