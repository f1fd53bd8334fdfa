package io.smtpprobe.smtp;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * {@link SmtpProber} on Vert.x sockets: never blocks the event loop, every wait has a timer, and
 * the returned future always succeeds with a {@link ServerResult}.
 */
public final class VertxSmtpProber implements SmtpProber {

    private final Vertx vertx;
    private final Clock clock;
    private final TlsSettings tlsSettings;

    /** System clock and the JVM's default trusted CAs. */
    public VertxSmtpProber(Vertx vertx) {
        this(vertx, Clock.systemUTC(), TlsSettings.systemDefault());
    }

    public VertxSmtpProber(Vertx vertx, Clock clock) {
        this(vertx, clock, TlsSettings.systemDefault());
    }

    /** @param clock used for latencies and a certificate's remaining days */
    public VertxSmtpProber(Vertx vertx, Clock clock, TlsSettings tlsSettings) {
        this.vertx = vertx;
        this.clock = clock;
        this.tlsSettings = tlsSettings;
    }

    @Override
    public Future<ServerResult> probe(SmtpTarget target, ProbeOptions options) {
        Promise<ServerResult> result = Promise.promise();
        // one context per probe: the socket, its timers and the dialogue share one event loop thread
        vertx.getOrCreateContext().runOnContext(v -> {
            var verifier = new TlsVerifier(tlsSettings, clock, options.limits().maxTextLength());
            new SmtpDialogue(vertx, clock, verifier, target, options).run().onComplete(result);
        });
        return result.future();
    }
}
