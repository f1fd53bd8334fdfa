package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TlsMode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One dialogue on one connection: the steps of the manual telnet procedure as a chain of futures.
 * A failing step ends the chain with a {@link StageFailure}; QUIT and close always run afterwards.
 * The TLS steps live in {@link TlsSteps}, the envelope in {@link EnvelopeSteps}; a plaintext retry
 * after a failed opportunistic handshake is a second dialogue (see {@link PlaintextRetry}).
 */
final class SmtpDialogue {

    private static final Duration MAX_QUIT_WAIT = Duration.ofSeconds(2);

    private final DialogueState state;
    private final NetClients.Lease lease;
    private final TlsSteps tls;
    private final AuthSteps auth;
    private final EnvelopeSteps envelope;
    private long deadlineTimer = -1;
    private Runnable stopListening = () -> { };

    SmtpDialogue(DialogueState state, TlsVerifier verifier, NetClients.Lease lease) {
        this.state = state;
        this.lease = lease;
        this.tls = new TlsSteps(state, verifier);
        this.auth = new AuthSteps(state);
        this.envelope = new EnvelopeSteps(state);
    }

    /** @param cancellation ends the dialogue early, on this dialogue's event loop */
    Future<ServerResult> run(ProbeCancellation cancellation) {
        String tooLong = Commands.firstTooLong(state.options);
        if (tooLong != null) {
            // refused before connecting: no server ever sees a command it would have to reject
            lease.release();
            state.enter(Stage.Connect);
            String refusal = "refused to send a command of " + Commands.octets(tooLong) + " octets (RFC 5321 4.5.3.1.4"
                    + " allows " + Commands.MAX_LINE_OCTETS + " including CRLF): " + ServerText.cap(tooLong, 80);
            state.transcript.info(refusal);
            return Future.succeededFuture(result(new StageFailure(Stage.Connect, Reason.CommandTooLong, null, refusal)));
        }
        state.startedAtNanos = System.nanoTime();
        deadlineTimer = state.vertx.setTimer(Math.max(1, state.timeouts.total().toMillis()), id -> onDeadline());
        // the signal comes from any thread; the dialogue's state belongs to its event loop
        Context context = state.vertx.getOrCreateContext();
        stopListening = cancellation.onCancel(() -> context.runOnContext(v -> onCancelled()));
        // started inside the chain so a throwing step still ends in QUIT, close and release
        return Future.<Void>succeededFuture()
                .compose(v -> connect(cancellation))
                .compose(v -> banner())
                .compose(v -> greet())
                .compose(v -> tls.startTls())
                .compose(v -> auth.authenticate())
                .compose(v -> envelope.mailFrom())
                .compose(v -> envelope.recipients())
                .compose(v -> envelope.data())
                .map(v -> new StageFailure(state.stage, Reason.Accepted, state.lastReply, null))
                .recover(error -> Future.succeededFuture(failureOf(error)))
                .compose(this::quitAndClose)
                .recover(error -> Future.succeededFuture(result(internalError(error))));
    }

    // --- stages ---------------------------------------------------------------------------

    private Future<Void> connect(ProbeCancellation cancellation) {
        state.enter(Stage.Connect);
        String address = state.target.address().getHostAddress();
        var remote = SocketAddress.inetSocketAddress(state.target.port(), address);
        return SmtpConnection.connect(state.vertx, lease.client(), remote, state.target.host(), cancellation)
                .recover(error -> Future.failedFuture(connectFailure(error)))
                .compose(socket -> {
                    state.connection = new SmtpConnection(state.vertx, socket, state.options.limits(), state.transcript);
                    if (state.deadlineExceeded) {
                        return Future.failedFuture(state.deadline());
                    }
                    if (state.cancelled) {
                        return Future.failedFuture(new ProbeCancelledException());
                    }
                    state.transcript.info("Connected to " + address + ":" + state.target.port());
                    if (state.options.tlsMode() == TlsMode.Implicit) {
                        return tls.implicitHandshake();
                    }
                    return Future.succeededFuture();
                });
    }

    private Future<Void> banner() {
        state.enter(Stage.Banner);
        return state.connection.readReply(state.timeouts.command()).compose(reply -> state.expect(reply, 220));
    }

    private Future<Void> greet() {
        state.enter(Stage.Ehlo);
        return state.send(Commands.ehlo(state.options.ehloName())).compose(reply -> {
            if (reply.code() == 500 || reply.code() == 502) {
                return helo();
            }
            return state.expect(reply, 250).map(v -> {
                state.takeExtensions(reply);
                return null;
            });
        });
    }

    private Future<Void> helo() {
        state.enter(Stage.Helo);
        state.extensions = List.of();
        return state.send(Commands.helo(state.options.ehloName())).compose(reply -> state.expect(reply, 250));
    }

    // --- endings --------------------------------------------------------------------------

    private Future<ServerResult> quitAndClose(StageFailure verdict) {
        Future<?> quit = Future.succeededFuture();
        SmtpConnection connection = state.connection;
        boolean timedOut = verdict.reason == Reason.CommandTimeout || verdict.reason == Reason.BannerTimeout;
        // after a failed handshake the socket is neither plaintext nor TLS: nothing sensible to say
        boolean tlsBroken = verdict.reason == Reason.TlsHandshakeFailed;
        // before the banner (implicit TLS refused) QUIT's "reply" would be the greeting
        boolean beforeBanner = verdict.stage == Stage.Connect || verdict.stage == Stage.TlsHandshake;
        StageFailure[] outcome = {verdict};
        if (connection != null && connection.usable() && !timedOut && !tlsBroken && !beforeBanner) {
            state.enter(Stage.Quit);
            Duration wait = state.timeouts.command().compareTo(MAX_QUIT_WAIT) < 0 ? state.timeouts.command() : MAX_QUIT_WAIT;
            quit = connection.command("QUIT", wait).map(reply -> {
                // After QUIT's reply the session is over: the connection discards whatever follows
                // (it is closed at once) and never pairs it with anything.
                connection.finish();
                // the verdict was drawn before: the 221 is kept only as QUIT's own reply, for the observer
                state.lastReply = reply;
                if (reply.code() / 100 != 2 && outcome[0].reason != Reason.ProtocolViolation) {
                    // QUIT is answered 221 (RFC 5321 4.1.1.10). Anything else here is most likely the
                    // late reply to an earlier command: every reply since was paired one command too
                    // early, so the verdict drawn from them cannot stand.
                    state.transcript.info("protocol violation: QUIT answered " + reply.code() + " instead of 221");
                    outcome[0] = new StageFailure(Stage.Quit, Reason.ProtocolViolation, reply,
                            "QUIT answered " + reply.code() + " instead of 221: the server's replies are out of step"
                                    + " with the commands (an extra reply arrived earlier), so no verdict drawn from"
                                    + " them can be trusted");
                }
                return reply;
            }).otherwiseEmpty();
        } else if (connection != null && !connection.isClosed() && state.cancelled && !tlsBroken && !beforeBanner) {
            // nobody wants the verdict any more: say goodbye, never wait for the answer, close
            state.enter(Stage.Quit);
            quit = connection.goodbye().otherwiseEmpty();
        } else if (connection != null && !connection.isClosed() && timedOut && !tlsBroken && !beforeBanner) {
            // the reply stream is out of step after a timeout: say goodbye without waiting
            state.enter(Stage.Quit);
            quit = connection.write("QUIT\r\n", "QUIT").otherwiseEmpty();
        }
        return quit.eventually(v -> {
            stopListening.run();
            state.leave();
            state.vertx.cancelTimer(deadlineTimer);
            Future<Void> closed = connection == null ? Future.succeededFuture() : connection.close();
            return closed.eventually(x -> lease.release());
        }).map(v -> result(outOfStep(outcome[0])));
    }

    /**
     * A reply that arrived with no command outstanding makes every verdict of this connection
     * untrustworthy, including one already drawn (e.g. the last RCPT's 250 followed by an extra reply).
     */
    private StageFailure outOfStep(StageFailure verdict) {
        ProtocolViolationException violation = state.connection == null ? null : state.connection.outOfStep();
        if (violation == null || verdict.reason == Reason.ProtocolViolation) {
            return verdict;
        }
        return new StageFailure(verdict.stage, Reason.ProtocolViolation, verdict.reply, violation.getMessage());
    }

    private ServerResult result(StageFailure verdict) {
        state.leave();
        Stage reached = verdict.reason == Reason.Accepted ? Stage.Quit : verdict.stage;
        String detail = verdict.getMessage() == null ? null
                : ServerText.sanitize(verdict.getMessage(), state.options.limits().maxTextLength());
        return state.target.resultBuilder()
                .stage(reached)
                .reply(verdict.reply)
                .reason(verdict.reason)
                .extensions(List.copyOf(state.extensions))
                .dsnSupported(state.hasExtension("DSN"))
                .tls(state.tls)
                .queueId(state.queueId)
                .detail(detail)
                .latencyMs(Map.copyOf(state.latencyMs))
                .transcript(state.transcript.lines())
                .build();
    }

    private void onDeadline() {
        deadlineTimer = -1;
        state.deadlineExceeded = true;
        state.transcript.info("total deadline of " + state.timeouts.total().toMillis() + " ms exceeded");
        if (state.connection != null) {
            state.connection.abort(state.deadline());
            if (state.upgrading) {
                state.connection.close();
            }
        }
    }

    private void onCancelled() {
        if (state.cancelled) {
            return;
        }
        state.cancelled = true;
        state.transcript.info("the probe run was cancelled");
        if (state.connection != null) {
            // fails the reply awaited (or the next command): the chain goes straight to QUIT and close
            state.connection.abort(new ProbeCancelledException());
            if (state.upgrading) {
                state.connection.close();
            }
        }
    }

    private StageFailure failureOf(Throwable error) {
        if (error instanceof StageFailure failure) {
            return failure;
        }
        Stage stage = state.stage;
        String message = error.getMessage();
        if (error instanceof ReplyTimeoutException || error instanceof DialogueState.DeadlineException) {
            Reason reason = switch (stage) {
                case Connect -> Reason.ConnectTimeout;
                case Banner -> Reason.BannerTimeout;
                default -> Reason.CommandTimeout;
            };
            state.transcript.info("timed out: " + message);
            return new StageFailure(stage, reason, null, message);
        }
        if (error instanceof ProbeCancelledException || state.cancelled) {
            // discarded by whoever cancelled; the run's end is the closest reason there is
            return new StageFailure(stage, Reason.RunDeadlineExceeded, null, "the probe run was cancelled");
        }
        if (error instanceof ProtocolViolationException) {
            return new StageFailure(stage, Reason.ProtocolViolation, null, message);
        }
        if (error instanceof CommandGuard.CommandTooLongException) {
            return new StageFailure(stage, Reason.CommandTooLong, null, message);
        }
        if (error instanceof UnsafeCommandException) {
            // the validator should have refused this input: our failure, never the server's
            return new StageFailure(stage, Reason.InternalError, null, message);
        }
        if (error instanceof PeerClosedException) {
            state.transcript.info(message);
            return new StageFailure(stage, Reason.ConnectionClosed, null, message);
        }
        return internalError(error);
    }

    /** Our own failure, never the server's: the dialogue still ends with QUIT and close. */
    private StageFailure internalError(Throwable error) {
        state.transcript.info("internal error: " + error);
        return new StageFailure(state.stage, Reason.InternalError, null, "internal error: " + error);
    }

    /** A socket error becomes the server's verdict; anything else stays an error of ours. */
    private Throwable connectFailure(Throwable error) {
        Reason reason = SocketErrors.connectReason(error);
        if (reason == null) {
            return error;
        }
        String message = String.valueOf(error.getMessage());
        state.transcript.info("connect to " + state.target.address().getHostAddress() + ":" + state.target.port()
                + " failed: " + message);
        return new StageFailure(Stage.Connect, reason, null, message);
    }
}
