package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ProbeOptions;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs one probe against a scripted peer and times it. */
final class PeerProbe {

    static final String MX_HOST = "mx.example.test";

    record Timed(ServerResult result, Duration elapsed) {
    }

    private PeerProbe() {
    }

    static Timed probe(Vertx vertx, TlsSettings tls, int port, ProbeOptions options) throws Exception {
        return probe(vertx, Clock.systemUTC(), tls, port, options);
    }

    static Timed probe(Vertx vertx, Clock clock, TlsSettings tls, int port, ProbeOptions options) throws Exception {
        var prober = new VertxSmtpProber(vertx, clock, tls);
        var target = new SmtpTarget(MX_HOST, InetAddress.getLoopbackAddress(), port, 10);
        long start = System.nanoTime();
        ServerResult result = prober.probe(target, options).toCompletionStage().toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        return new Timed(result, Duration.ofNanos(System.nanoTime() - start));
    }
}
