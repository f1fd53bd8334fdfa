package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.TlsInfo;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.Notify;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * One probe: the steps of the manual telnet procedure as a chain of futures. A failing step
 * ends the chain with a {@link StageFailure}; QUIT and close always run afterwards.
 */
final class SmtpDialogue {

    private static final Duration MAX_QUIT_WAIT = Duration.ofSeconds(2);
    /** RFC 5321 4.5.3.2.6: content scanners may take minutes before answering the final dot. */
    private static final Duration MAX_END_OF_DATA_WAIT = Duration.ofMinutes(10);

    /** The whole probe ran out of time. */
    static final class DeadlineException extends RuntimeException {
        DeadlineException(Duration total) {
            super("probe exceeded its total deadline of " + total.toMillis() + " ms", null, false, false);
        }
    }

    private final Vertx vertx;
    private final Clock clock;
    private final TlsVerifier verifier;
    private final NetClients.Lease lease;
    private final SmtpTarget target;
    private final ProbeOptions options;
    private final Timeouts timeouts;
    private final Transcript transcript;
    private final Map<Stage, Long> latencyMs = new EnumMap<>(Stage.class);
    private List<String> extensions = List.of();
    private TlsInfo tls;
    private String queueId;
    private Reply lastReply;

    private SmtpConnection connection;
    private Stage stage;
    private long stageStartedAt;
    private long deadlineTimer = -1;
    private long startedAtNanos;
    private boolean deadlineExceeded;
    private boolean upgrading;

    SmtpDialogue(Vertx vertx, Clock clock, TlsVerifier verifier, NetClients.Lease lease, SmtpTarget target,
                 ProbeOptions options) {
        this.vertx = vertx;
        this.lease = lease;
        this.clock = clock;
        this.verifier = verifier;
        this.target = target;
        this.options = options;
        this.timeouts = options.timeouts();
        this.transcript = new Transcript(options.limits().maxTextLength());
    }

    Future<ServerResult> run() {
        startedAtNanos = System.nanoTime();
        deadlineTimer = vertx.setTimer(Math.max(1, timeouts.total().toMillis()), id -> onDeadline());
        // started inside the chain so a throwing step still ends in QUIT, close and release
        return Future.<Void>succeededFuture()
                .compose(v -> connect())
                .compose(v -> banner())
                .compose(v -> greet())
                .compose(v -> startTls())
                .compose(v -> mailFrom())
                .compose(v -> recipients())
                .compose(v -> data())
                .map(v -> new StageFailure(stage, Reason.Accepted, lastReply, null))
                .recover(error -> Future.succeededFuture(failureOf(error)))
                .compose(this::quitAndClose)
                .recover(error -> Future.succeededFuture(result(internalError(error))));
    }

    // --- stages ---------------------------------------------------------------------------

    private Future<Void> connect() {
        enter(Stage.Connect);
        boolean implicitTls = options.tlsMode() == TlsMode.Implicit;
        String address = target.address().getHostAddress();
        var remote = SocketAddress.inetSocketAddress(target.port(), address);
        return lease.client().connect(remote, target.host())
                .recover(error -> Future.failedFuture(connectFailure(error, implicitTls)))
                .compose(socket -> {
                    connection = new SmtpConnection(vertx, socket, options.limits(), transcript);
                    if (deadlineExceeded) {
                        return Future.failedFuture(new DeadlineException(timeouts.total()));
                    }
                    transcript.info("Connected to " + address + ":" + target.port());
                    if (implicitTls) {
                        return verifyTls(socket);
                    }
                    return Future.succeededFuture();
                });
    }

    private Future<Void> banner() {
        enter(Stage.Banner);
        return connection.readReply(timeouts.command()).compose(reply -> expect(reply, 220));
    }

    private Future<Void> greet() {
        return ehlo().compose(reply -> {
            if (reply.code() == 500 || reply.code() == 502) {
                return helo();
            }
            return expect(reply, 250).map(v -> {
                extensions = extensionsOf(reply);
                return null;
            });
        });
    }

    /** The EHLO reply's first line greets; each further line names one extension. */
    private static List<String> extensionsOf(Reply ehloReply) {
        List<String> lines = ehloReply.lines();
        return lines.size() > 1 ? lines.subList(1, lines.size()) : List.of();
    }

    private Future<Reply> ehlo() {
        enter(Stage.Ehlo);
        return send("EHLO " + options.ehloName());
    }

    private Future<Void> helo() {
        enter(Stage.Helo);
        extensions = List.of();
        return send("HELO " + options.ehloName()).compose(reply -> expect(reply, 250));
    }

    private Future<Void> startTls() {
        TlsMode mode = options.tlsMode();
        if (mode == TlsMode.Disabled || mode == TlsMode.Implicit) {
            return Future.succeededFuture();
        }
        if (!hasExtension("STARTTLS")) {
            if (mode == TlsMode.Required) {
                enter(Stage.StartTls);
                return Future.failedFuture(new StageFailure(Stage.StartTls, Reason.StartTlsNotOffered, lastReply,
                        "the server did not advertise STARTTLS"));
            }
            return Future.succeededFuture();
        }
        enter(Stage.StartTls);
        // A refused STARTTLS (454) or a failed handshake fails the probe even when opportunistic:
        // an MTA would fall back to plaintext, but that needs a new connection this probe does not make.
        return send("STARTTLS").compose(reply -> {
            if (reply.code() != 220) {
                return Future.failedFuture(StageFailure.of(Stage.StartTls, reply));
            }
            if (connection.hasUnreadInput()) {
                return Future.failedFuture(new StageFailure(Stage.StartTls, Reason.ProtocolViolation, reply,
                        "plaintext data after the 220 reply to STARTTLS (STARTTLS command injection)"));
            }
            upgrading = true;
            return connection.socket().upgradeToSsl(target.host())
                    .eventually(v -> {
                        upgrading = false;
                        return Future.succeededFuture();
                    })
                    .recover(error -> Future.failedFuture(deadlineExceeded
                            ? new DeadlineException(timeouts.total())
                            : SocketErrors.isTransportError(error)
                                    ? new StageFailure(Stage.StartTls, Reason.TlsHandshakeFailed, null,
                                            "TLS handshake failed: " + error.getMessage())
                                    : error))
                    .compose(v -> verifyTls(connection.socket()))
                    .compose(v -> ehlo())
                    .compose(ehloReply -> expect(ehloReply, 250).map(v -> {
                        extensions = extensionsOf(ehloReply);
                        return null;
                    }));
        });
    }

    private Future<Void> verifyTls(NetSocket socket) {
        List<Certificate> chain;
        try {
            chain = socket.peerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            chain = List.of();
        }
        var verdict = verifier.verify(socket.sslSession(), chain, target.host(), options.limits().maxTextLength());
        tls = verdict.info();
        transcript.info("TLS established: " + tls.protocol() + " " + tls.cipher()
                + (verdict.error() == null ? "" : " (" + verdict.error() + ")"));
        if (verdict.reason() == Reason.Accepted || options.insecure()) {
            return Future.succeededFuture();
        }
        if (options.tlsMode() == TlsMode.Opportunistic) {
            // as an MTA does: an unverified certificate still beats plaintext, so the facts are
            // recorded and the rest of the dialogue decides
            transcript.info("continuing over unverified TLS (opportunistic)");
            return Future.succeededFuture();
        }
        return Future.failedFuture(new StageFailure(stage, verdict.reason(), null, verdict.error()));
    }

    private Future<Void> mailFrom() {
        enter(Stage.MailFrom);
        if (options.tlsMode() == TlsMode.Required && !connection.socket().isSsl()) {
            // defence in depth: the STARTTLS step must already have refused this
            return Future.failedFuture(new StageFailure(Stage.MailFrom, Reason.StartTlsNotOffered, null,
                    "refused to send MAIL FROM without TLS"));
        }
        return send("MAIL FROM:<" + options.mailFrom() + ">").compose(reply -> expect(reply, 250));
    }

    private Future<Void> recipients() {
        enter(Stage.RcptTo);
        return recipient(0, null);
    }

    /** Every recipient is tried so the transcript shows them all; the worst reply decides. */
    private Future<Void> recipient(int index, StageFailure worst) {
        if (index == options.rcptTo().size() || (worst != null && !connection.usable())) {
            return worst == null ? Future.succeededFuture() : Future.failedFuture(worst);
        }
        return send("RCPT TO:<" + options.rcptTo().get(index) + ">" + notifyParameter()).compose(reply -> {
            StageFailure next = worst;
            if (reply.code() != 250 && reply.code() != 251) {
                StageFailure failure = StageFailure.of(Stage.RcptTo, reply);
                if (worst == null || failure.reason.outcome(reply).ordinal() > worst.reason.outcome(worst.reply).ordinal()) {
                    next = failure;
                }
                if (reply.code() == 421) {
                    return Future.failedFuture(failure);
                }
            }
            return recipient(index + 1, next);
        });
    }

    private String notifyParameter() {
        if (options.dsnNotify().isEmpty() || !dsnSupported()) {
            return "";
        }
        if (options.dsnNotify().contains(Notify.NEVER)) {
            return " NOTIFY=NEVER";
        }
        return " NOTIFY=" + options.dsnNotify().stream().sorted().map(Enum::name).collect(Collectors.joining(","));
    }

    private Future<Void> data() {
        if (options.data() == null) {
            return Future.succeededFuture();
        }
        enter(Stage.Data);
        String message;
        try {
            message = MessageBuilder.build(options.data(), options.mailFrom(), options.rcptTo(), options.ehloName(), clock);
        } catch (SmtpConnection.UnsafeCommandException e) {
            return Future.failedFuture(e);
        }
        return send("DATA").compose(reply -> expect(reply, 354))
                .compose(v -> {
                    connection.expectReply("the message");
                    return connection.write(message, "(message: " + message.length() + " bytes)");
                })
                .compose(v -> connection.readReply(endOfDataTimeout()))
                .compose(reply -> {
                    lastReply = reply;
                    queueId = QueueIdExtractor.extract(reply);
                    return expect(reply, 250);
                });
    }

    /** Longer than a command's wait, yet never past the total deadline (whose timer aborts anyway). */
    private Duration endOfDataTimeout() {
        Duration remaining = timeouts.total().minusNanos(System.nanoTime() - startedAtNanos);
        Duration scanning = remaining.compareTo(MAX_END_OF_DATA_WAIT) < 0 ? remaining : MAX_END_OF_DATA_WAIT;
        return scanning.compareTo(timeouts.command()) > 0 ? scanning : timeouts.command();
    }

    // --- endings --------------------------------------------------------------------------

    private Future<ServerResult> quitAndClose(StageFailure verdict) {
        Future<?> quit = Future.succeededFuture();
        boolean timedOut = verdict.reason == Reason.CommandTimeout || verdict.reason == Reason.BannerTimeout;
        // after a failed handshake the socket is neither plaintext nor TLS: nothing sensible to say
        boolean tlsBroken = verdict.reason == Reason.TlsHandshakeFailed;
        // before the banner (implicit TLS refused at Connect) QUIT's "reply" would be the greeting
        boolean beforeBanner = verdict.stage == Stage.Connect;
        StageFailure[] outcome = {verdict};
        if (connection != null && connection.usable() && !timedOut && !tlsBroken && !beforeBanner) {
            enter(Stage.Quit);
            Duration wait = timeouts.command().compareTo(MAX_QUIT_WAIT) < 0 ? timeouts.command() : MAX_QUIT_WAIT;
            quit = connection.command("QUIT", wait).map(reply -> {
                // After QUIT's reply the session is over: the connection discards whatever follows
                // (it is closed at once) and never pairs it with anything.
                connection.finish();
                if (reply.code() / 100 != 2 && outcome[0].reason != Reason.ProtocolViolation) {
                    // QUIT is answered 221 (RFC 5321 4.1.1.10). Anything else here is most likely the
                    // late reply to an earlier command: every reply since was paired one command too
                    // early, so the verdict drawn from them cannot stand.
                    transcript.info("protocol violation: QUIT answered " + reply.code() + " instead of 221");
                    outcome[0] = new StageFailure(Stage.Quit, Reason.ProtocolViolation, reply,
                            "QUIT answered " + reply.code() + " instead of 221: the server's replies are out of step"
                                    + " with the commands (an extra reply arrived earlier), so no verdict drawn from"
                                    + " them can be trusted");
                }
                return reply;
            }).otherwiseEmpty();
        } else if (connection != null && !connection.isClosed() && timedOut && !tlsBroken && !beforeBanner) {
            // the reply stream is out of step after a timeout: say goodbye without waiting
            enter(Stage.Quit);
            quit = connection.write("QUIT\r\n", "QUIT").otherwiseEmpty();
        }
        return quit.eventually(v -> {
            leave();
            vertx.cancelTimer(deadlineTimer);
            Future<Void> closed = connection == null ? Future.succeededFuture() : connection.close();
            return closed.eventually(x -> lease.release());
        }).map(v -> result(outOfStep(outcome[0])));
    }

    /**
     * A reply that arrived with no command outstanding makes every verdict of this connection
     * untrustworthy, including one already drawn (e.g. the last RCPT's 250 followed by an extra reply).
     */
    private StageFailure outOfStep(StageFailure verdict) {
        ProtocolViolationException violation = connection == null ? null : connection.outOfStep();
        if (violation == null || verdict.reason == Reason.ProtocolViolation) {
            return verdict;
        }
        return new StageFailure(verdict.stage, Reason.ProtocolViolation, verdict.reply, violation.getMessage());
    }

    private ServerResult result(StageFailure verdict) {
        leave();
        Stage reached = verdict.reason == Reason.Accepted ? Stage.Quit : verdict.stage;
        String detail = verdict.getMessage() == null ? null
                : ServerText.sanitize(verdict.getMessage(), options.limits().maxTextLength());
        return target.resultBuilder()
                .stage(reached)
                .reply(verdict.reply)
                .reason(verdict.reason)
                .extensions(List.copyOf(extensions))
                .dsnSupported(dsnSupported())
                .tls(tls)
                .queueId(queueId)
                .detail(detail)
                .latencyMs(Map.copyOf(latencyMs))
                .transcript(transcript.lines())
                .build();
    }

    private void onDeadline() {
        deadlineTimer = -1;
        deadlineExceeded = true;
        transcript.info("total deadline of " + timeouts.total().toMillis() + " ms exceeded");
        if (connection != null) {
            connection.abort(new DeadlineException(timeouts.total()));
            if (upgrading) {
                connection.close();
            }
        }
    }

    // --- helpers --------------------------------------------------------------------------

    private Future<Reply> send(String command) {
        return connection.command(command, timeouts.command()).map(reply -> {
            lastReply = reply;
            return reply;
        });
    }

    private Future<Void> expect(Reply reply, int code) {
        lastReply = reply;
        if (reply.code() == code) {
            return Future.succeededFuture();
        }
        if (code == 220 && stage == Stage.Banner && reply.code() / 100 == 2) {
            return Future.failedFuture(new StageFailure(stage, Reason.ProtocolViolation, reply,
                    "greeting with code " + reply.code() + " instead of 220"));
        }
        StageFailure failure = StageFailure.of(stage, reply);
        if (failure.reason == Reason.Accepted) {
            failure = new StageFailure(stage, Reason.ProtocolViolation, reply,
                    "unexpected reply " + reply.code() + " where " + code + " was expected");
        }
        return Future.failedFuture(failure);
    }

    private StageFailure failureOf(Throwable error) {
        if (error instanceof StageFailure failure) {
            return failure;
        }
        String message = error.getMessage();
        if (error instanceof SmtpConnection.ReplyTimeoutException || error instanceof DeadlineException) {
            Reason reason = switch (stage) {
                case Connect -> Reason.ConnectTimeout;
                case Banner -> Reason.BannerTimeout;
                default -> Reason.CommandTimeout;
            };
            transcript.info("timed out: " + message);
            return new StageFailure(stage, reason, null, message);
        }
        if (error instanceof ProtocolViolationException) {
            return new StageFailure(stage, Reason.ProtocolViolation, null, message);
        }
        if (error instanceof SmtpConnection.UnsafeCommandException) {
            // the validator should have refused this input: our failure, never the server's
            return new StageFailure(stage, Reason.InternalError, null, message);
        }
        if (error instanceof SmtpConnection.ClosedException) {
            transcript.info(message);
            return new StageFailure(stage, Reason.ConnectionClosed, null, message);
        }
        return internalError(error);
    }

    /** Our own failure, never the server's: the dialogue still ends with QUIT and close. */
    private StageFailure internalError(Throwable error) {
        transcript.info("internal error: " + error);
        return new StageFailure(stage, Reason.InternalError, null, "internal error: " + error);
    }

    /** A socket or TLS error becomes the server's verdict; anything else stays an error of ours. */
    private Throwable connectFailure(Throwable error, boolean implicitTls) {
        Reason reason = SocketErrors.connectReason(error, implicitTls);
        if (reason == null) {
            return error;
        }
        String message = String.valueOf(error.getMessage());
        transcript.info("connect to " + target.address().getHostAddress() + ":" + target.port() + " failed: " + message);
        return new StageFailure(Stage.Connect, reason, null, message);
    }

    private boolean dsnSupported() {
        return hasExtension("DSN");
    }

    private boolean hasExtension(String keyword) {
        for (String extension : extensions) {
            // the keyword is the text before the first space
            boolean keywordEnds = extension.length() == keyword.length()
                    || (extension.length() > keyword.length() && extension.charAt(keyword.length()) == ' ');
            if (keywordEnds && extension.regionMatches(true, 0, keyword, 0, keyword.length())) {
                return true;
            }
        }
        return false;
    }

    private void enter(Stage next) {
        leave();
        stage = next;
        stageStartedAt = clock.millis();
    }

    private void leave() {
        if (stage != null && stageStartedAt >= 0) {
            latencyMs.merge(stage, Math.max(0, clock.millis() - stageStartedAt), Long::sum);
            stageStartedAt = -1;
        }
    }
}
