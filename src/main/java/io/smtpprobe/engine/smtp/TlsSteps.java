package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TlsMode;
import io.vertx.core.Future;
import io.vertx.core.net.NetSocket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The TLS steps of a dialogue: STARTTLS (RFC 3207) or implicit TLS (RFC 8314), the handshake, and
 * the certificate verdict. A failed handshake is told in the transcript as an event with its cause,
 * and the result says the same.
 */
final class TlsSteps {

    private final DialogueState state;
    private final TlsVerifier verifier;

    TlsSteps(DialogueState state, TlsVerifier verifier) {
        this.state = state;
        this.verifier = verifier;
    }

    /**
     * Implicit TLS: TCP connected in plaintext, the handshake comes before the banner. It is its own
     * stage ({@link Stage#TlsHandshake}) and not {@link Stage#Connect}: TCP worked, so a failure here
     * says something about the server's TLS, not its reachability; and not {@link Stage#StartTls},
     * since no STARTTLS was sent. A TCP-level failure stays {@code Connect}.
     */
    Future<Void> implicitHandshake() {
        state.enter(Stage.TlsHandshake);
        state.connection.awaitTlsHandshake();
        return handshake().map(v -> {
            state.connection.tlsEstablished();
            return null;
        }).compose(v -> verify(state.connection.socket()));
    }

    Future<Void> startTls() {
        TlsMode mode = state.options.tlsMode();
        if (mode == TlsMode.Disabled || mode == TlsMode.Implicit) {
            return Future.succeededFuture();
        }
        if (state.plaintextRetry) {
            if (state.hasExtension("STARTTLS")) {
                state.transcript.info("STARTTLS offered but not used: this is the plaintext retry");
            }
            return Future.succeededFuture();
        }
        if (!state.hasExtension("STARTTLS")) {
            if (mode == TlsMode.Required) {
                state.enter(Stage.StartTls);
                return Future.failedFuture(new StageFailure(Stage.StartTls, Reason.StartTlsNotOffered, state.lastReply,
                        "the server did not advertise STARTTLS"));
            }
            return Future.succeededFuture();
        }
        state.enter(Stage.StartTls);
        // A refused STARTTLS (454) fails the probe even when opportunistic; a failed handshake is
        // retried in plaintext by the prober (see PlaintextRetry), as a sending MTA does.
        return state.send("STARTTLS").compose(reply -> {
            if (reply.code() != 220) {
                return Future.failedFuture(StageFailure.of(Stage.StartTls, reply));
            }
            if (state.connection.hasUnreadInput()) {
                return Future.failedFuture(new StageFailure(Stage.StartTls, Reason.ProtocolViolation, reply,
                        "plaintext data after the 220 reply to STARTTLS (STARTTLS command injection)"));
            }
            return handshake()
                    .compose(v -> verify(state.connection.socket()))
                    .compose(v -> {
                        state.observeEhloAfterTls();
                        return state.send(Commands.ehlo(state.options.ehloName()));
                    })
                    .compose(ehloReply -> state.expect(ehloReply, 250).map(v -> {
                        state.takeExtensions(ehloReply);
                        return null;
                    }));
        });
    }

    private Future<Void> handshake() {
        state.upgrading = true;
        return state.connection.socket().upgradeToSsl(state.target.host())
                .eventually(v -> {
                    state.upgrading = false;
                    return Future.succeededFuture();
                })
                .recover(error -> Future.failedFuture(handshakeFailure(error)))
                .onSuccess(v -> state.observer.tlsEstablished());
    }

    private Throwable handshakeFailure(Throwable error) {
        if (state.deadlineExceeded) {
            return state.deadline();
        }
        String plaintext = state.connection.plaintextBeforeTls();
        if (!SocketErrors.isTransportError(error) && plaintext == null) {
            return error;
        }
        String cause = plaintext != null
                ? "the server answered in plaintext, not TLS: \"" + plaintext.lines().findFirst().orElse("") + "...\""
                : TlsHandshakeErrors.describe(error, state.connection.transportError(), state.timeouts.command());
        String detail = "TLS handshake failed: " + cause;
        state.transcript.event(detail);
        return new StageFailure(state.stage, Reason.TlsHandshakeFailed, null, detail);
    }

    private Future<Void> verify(NetSocket socket) {
        List<Certificate> chain;
        try {
            chain = socket.peerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            chain = List.of();
        }
        state.peerChain = chain.stream().filter(X509Certificate.class::isInstance)
                .map(X509Certificate.class::cast).toList();
        var verdict = verifier.verify(socket.sslSession(), chain, state.target.host(),
                state.options.limits().maxTextLength());
        state.tls = verdict.info();
        state.tlsVerdict = verdict.reason();
        state.transcript.info("TLS established: " + state.tls.protocol() + " " + state.tls.cipher()
                + (verdict.error() == null ? "" : " (" + verdict.error() + ")"));
        if (verdict.reason() == Reason.Accepted || state.options.insecure()) {
            return Future.succeededFuture();
        }
        if (state.options.tlsMode() == TlsMode.Opportunistic) {
            // as an MTA does: an unverified certificate still beats plaintext, so the facts are
            // recorded and the rest of the dialogue decides
            state.transcript.info("continuing over unverified TLS (opportunistic)");
            return Future.succeededFuture();
        }
        return Future.failedFuture(new StageFailure(state.stage, verdict.reason(), null, verdict.error()));
    }
}
