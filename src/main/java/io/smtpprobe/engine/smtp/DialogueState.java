package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.TlsInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one dialogue has learned so far, shared by its steps ({@link SmtpDialogue}, {@link TlsSteps},
 * {@link AuthSteps}, {@link EnvelopeSteps}). All of it is touched on the connection's event loop only.
 */
final class DialogueState {

    /** The whole probe ran out of time. */
    static final class DeadlineException extends RuntimeException {
        DeadlineException(Duration total) {
            super("probe exceeded its total deadline of " + total.toMillis() + " ms", null, false, false);
        }
    }

    final Vertx vertx;
    final Clock clock;
    final SmtpTarget target;
    final ProbeOptions options;
    final Timeouts timeouts;
    final Transcript transcript;
    /** The prober's messages after DATA, built once per content and envelope. */
    final MessageTemplates messages;
    /** This dialogue is the plaintext retry after an opportunistic handshake failed: no STARTTLS. */
    final boolean plaintextRetry;
    final Map<Stage, Long> latencyMs = new EnumMap<>(Stage.class);
    List<String> extensions = List.of();
    TlsInfo tls;
    /** The chain the server presented in the TLS handshake, for the DANE check only: never in a result. */
    List<X509Certificate> peerChain = List.of();

    /** The certificate's verdict when TLS was established ({@code Accepted}: verified), else null. */
    Reason tlsVerdict;
    String queueId;
    Reply lastReply;
    SmtpConnection connection;
    Stage stage;
    long startedAtNanos;
    boolean deadlineExceeded;
    /** The run was cancelled: the dialogue stops, and its result is discarded. */
    boolean cancelled;
    /** A TLS handshake is running: only closing the socket ends it early. */
    boolean upgrading;
    private long stageStartedAt;
    /** Told of every stage (tracing); set once, before the dialogue starts. */
    DialogueObserver observer = DialogueObserver.NONE;
    /** The reply that was last before the current stage: a different one afterwards is this stage's. */
    private Reply replyBeforeStage;
    /** The stage the observer was last told of: {@link #stage} but for the EHLO after STARTTLS. */
    private Stage observedStage;

    DialogueState(Vertx vertx, Clock clock, SmtpTarget target, ProbeOptions options, boolean plaintextRetry,
                  MessageTemplates messages) {
        this.vertx = vertx;
        this.messages = messages;
        this.clock = clock;
        this.target = target;
        this.options = options;
        this.timeouts = options.timeouts();
        this.plaintextRetry = plaintextRetry;
        this.transcript = new Transcript(options.limits().maxTextLength());
    }

    DeadlineException deadline() {
        return new DeadlineException(timeouts.total());
    }

    Future<Reply> send(String command) {
        return connection.command(command, timeouts.command()).map(reply -> {
            lastReply = reply;
            return reply;
        });
    }

    /** A command that carries a secret: the transcript and every message show {@code shown} instead. */
    Future<Reply> sendSecret(String command, String shown) {
        return connection.command(command, shown, timeouts.command()).map(reply -> {
            lastReply = reply;
            return reply;
        });
    }

    /** Succeeds on the expected code; anything else ends the dialogue with the classified reason. */
    Future<Void> expect(Reply reply, int code) {
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

    /** The EHLO reply's first line greets; each further line names one extension. */
    void takeExtensions(Reply ehloReply) {
        List<String> lines = ehloReply.lines();
        extensions = lines.size() > 1 ? List.copyOf(lines.subList(1, lines.size())) : List.of();
    }

    boolean hasExtension(String keyword) {
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

    void enter(Stage next) {
        leave();
        stage = next;
        stageStartedAt = clock.millis();
        replyBeforeStage = lastReply;
        observedStage = next;
        observer.stageStarted(next);
    }

    void leave() {
        if (stage != null && stageStartedAt >= 0) {
            latencyMs.merge(stage, Math.max(0, clock.millis() - stageStartedAt), Long::sum);
            stageStartedAt = -1;
            observer.stageEnded(observedStage, lastReply != replyBeforeStage ? lastReply : null);
        }
    }

    /**
     * The EHLO over TLS after STARTTLS is a stage of its own for the observer (traces show two EHLOs),
     * while {@link #stage} and {@link #latencyMs} stay {@code StartTls}: a failure here is STARTTLS's, as
     * in every result so far, and the stage histogram keeps its meaning.
     */
    void observeEhloAfterTls() {
        observer.stageEnded(observedStage, lastReply != replyBeforeStage ? lastReply : null);
        replyBeforeStage = lastReply;
        observedStage = Stage.Ehlo;
        observer.stageStarted(Stage.Ehlo);
    }
}
