package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.Limits;
import io.smtpprobe.core.Reason;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

/**
 * {@link SmtpProber} on Vert.x sockets: never blocks the event loop, every wait has a timer, and
 * the returned future always succeeds with a {@link ServerResult}.
 *
 * <p>Probes share the prober's NetClients and trust manager; {@link #close()} releases the
 * clients (closing the Vertx instance does too). Probes started after close still work, each
 * with a client of its own.
 */
public final class VertxSmtpProber implements SmtpProber, AutoCloseable {

    private final Vertx vertx;
    private final Clock clock;
    private final TlsVerifier verifier;
    private final NetClients clients;
    private final DaneStep dane;
    private final MessageTemplates messages = new MessageTemplates();

    /** System clock and the JVM's default trusted CAs. */
    public VertxSmtpProber(Vertx vertx) {
        this(vertx, Clock.systemUTC(), TlsSettings.systemDefault());
    }

    public VertxSmtpProber(Vertx vertx, Clock clock) {
        this(vertx, clock, TlsSettings.systemDefault());
    }

    /** @param clock used for latencies and a certificate's remaining days */
    public VertxSmtpProber(Vertx vertx, Clock clock, TlsSettings tlsSettings) {
        this(vertx, clock, tlsSettings, DaneCheck.OFF);
    }

    /** @param daneCheck evaluates RFC 7672 DANE for probes that attempt TLS and ask for it ({@link ProbeOptions#dane()}) */
    public VertxSmtpProber(Vertx vertx, Clock clock, TlsSettings tlsSettings, DaneCheck daneCheck) {
        this.vertx = vertx;
        this.clock = clock;
        this.verifier = new TlsVerifier(tlsSettings, clock);
        this.clients = new NetClients(vertx);
        this.dane = new DaneStep(daneCheck);
    }

    @Override
    public Future<ServerResult> probe(SmtpTarget target, ProbeOptions options) {
        return probe(target, options, ProbeCancellation.never());
    }

    @Override
    public Future<ServerResult> probe(SmtpTarget target, ProbeOptions options, ProbeCancellation cancellation) {
        return probe(target, options, cancellation, DialogueObserver.Factory.NONE);
    }

    @Override
    public Future<ServerResult> probe(SmtpTarget target, ProbeOptions options, ProbeCancellation cancellation,
                                      DialogueObserver.Factory observers) {
        Promise<ServerResult> result = Promise.promise();
        // one context per probe: the socket, its timers and the dialogue share one event loop thread
        vertx.getOrCreateContext().runOnContext(v -> {
            Future<ServerResult> dialogue;
            try {
                dialogue = start(target, options, cancellation, observers);
            } catch (RuntimeException e) {
                dialogue = Future.failedFuture(e);
            }
            // a bug must not leave the caller waiting forever: it becomes a result like any other
            dialogue.recover(error -> Future.succeededFuture(internalError(target, options, error)))
                    .onComplete(result);
        });
        return result.future();
    }

    private Future<ServerResult> start(SmtpTarget target, ProbeOptions options, ProbeCancellation cancellation,
                                       DialogueObserver.Factory observers) {
        Context context = vertx.getOrCreateContext();
        // beside the dialogue, not before it: a TLSA lookup as slow as the dialogue costs nothing
        var daneLookup = dane.start(target, options);
        return dialogue(target, options, false, cancellation, observers).compose(first -> {
            if (!PlaintextRetry.applies(options.tlsMode(), first.result()) || AuthSteps.needsTls(options) || cancellation.isCancelled()) {
                return Future.succeededFuture(first);
            }
            // the TLS attempt's handshake failed, so it has no chain, and the retry has no TLS
            return dialogue(target, options, true, cancellation, observers)
                    .map(second -> new Finished(PlaintextRetry.combine(first.result(), second.result()), first.chain()));
        }).compose(finished -> dane.finish(finished.result(), finished.chain(), target, daneLookup, cancellation, context));
    }

    /** A dialogue's result and the chain its server presented, which only the DANE check sees. */
    private record Finished(ServerResult result, List<X509Certificate> chain) {
    }

    private Future<Finished> dialogue(SmtpTarget target, ProbeOptions options, boolean plaintextRetry,
                                      ProbeCancellation cancellation, DialogueObserver.Factory observers) {
        NetClients.Lease lease = clients.lease(options);
        try {
            var state = new DialogueState(vertx, clock, target, options, plaintextRetry, messages);
            state.observer = observers.dialogue(target, plaintextRetry);
            return new SmtpDialogue(state, verifier, lease).run(cancellation)
                    .onSuccess(state.observer::finished)
                    .map(result -> new Finished(result, state.peerChain));
        } catch (RuntimeException e) {
            lease.release();
            throw e;
        }
    }

    static ServerResult internalError(SmtpTarget target, ProbeOptions options, Throwable error) {
        int maxText = options != null && options.limits() != null
                ? options.limits().maxTextLength() : Limits.DEFAULT.maxTextLength();
        var result = target == null ? ServerResult.builder() : target.resultBuilder();
        return result.stage(Stage.Connect)
                .reason(Reason.InternalError)
                .detail(ServerText.sanitize("internal error: " + error, maxText))
                .build();
    }

    /** Closes the shared clients; a probe still running on one ends as its socket closes. */
    public Future<Void> closeClients() {
        return clients.close();
    }

    @Override
    public void close() {
        closeClients();
    }
}
