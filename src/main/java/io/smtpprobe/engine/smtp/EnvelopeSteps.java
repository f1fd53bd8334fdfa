package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.TlsMode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/** MAIL FROM, one RCPT TO per recipient, and the optional message after DATA. */
final class EnvelopeSteps {

    /** RFC 5321 4.5.3.2.6: content scanners may take minutes before answering the final dot. */
    private static final Duration MAX_END_OF_DATA_WAIT = Duration.ofMinutes(10);

    private final DialogueState state;

    EnvelopeSteps(DialogueState state) {
        this.state = state;
    }

    Future<Void> mailFrom() {
        state.enter(Stage.MailFrom);
        if (state.options.tlsMode() == TlsMode.Required && !state.connection.socket().isSsl()) {
            // defence in depth: the STARTTLS step must already have refused this
            return Future.failedFuture(new StageFailure(Stage.MailFrom, Reason.StartTlsNotOffered, null,
                    "refused to send MAIL FROM without TLS"));
        }
        boolean smtpUtf8 = Commands.needsSmtpUtf8(state.options);
        if (smtpUtf8) {
            if (!state.hasExtension("SMTPUTF8")) {
                // RFC 6531 3.4: without the extension a non-ASCII path must not be sent at all
                String refusal = "the server does not offer SMTPUTF8, which a non-ASCII address needs (RFC 6531):"
                        + " stopped before MAIL FROM";
                state.transcript.info(refusal);
                return Future.failedFuture(new StageFailure(Stage.MailFrom, Reason.SmtpUtf8NotOffered, null, refusal));
            }
            state.connection.allowUtf8();
        }
        return state.send(Commands.mailFrom(state.options.mailFrom(), smtpUtf8))
                .compose(reply -> state.expect(reply, 250));
    }

    Future<Void> recipients() {
        state.enter(Stage.RcptTo);
        return recipient(0, null);
    }

    /** Every recipient is tried so the transcript shows them all; the worst reply decides. */
    private Future<Void> recipient(int index, StageFailure worst) {
        if (index == state.options.rcptTo().size() || (worst != null && !state.connection.usable())) {
            return worst == null ? Future.succeededFuture() : Future.failedFuture(worst);
        }
        String notify = Commands.notifyParameter(state.options.dsnNotify(), state.hasExtension("DSN"));
        return state.send(Commands.rcptTo(state.options.rcptTo().get(index), notify)).compose(reply -> {
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

    Future<Void> data() {
        if (state.options.data() == null) {
            return Future.succeededFuture();
        }
        state.enter(Stage.Data);
        MessageTemplate template;
        try {
            // refused before DATA is sent: an unsafe message never gets as far as the 354
            template = state.messages.of(state.options);
        } catch (UnsafeCommandException e) {
            return Future.failedFuture(e);
        }
        SmtpConnection connection = state.connection;
        return state.send("DATA").compose(reply -> state.expect(reply, 354))
                .compose(v -> {
                    connection.expectReply("the message");
                    Buffer message = template.render(state.clock);
                    return connection.write(message, "(message: " + message.length() + " bytes)");
                })
                .compose(v -> connection.readReply(endOfDataTimeout()))
                .compose(reply -> {
                    state.lastReply = reply;
                    state.queueId = QueueIdExtractor.extract(reply);
                    return state.expect(reply, 250);
                });
    }

    /** Longer than a command's wait, yet never past the total deadline (whose timer aborts anyway). */
    private Duration endOfDataTimeout() {
        Duration remaining = state.timeouts.total().minusNanos(System.nanoTime() - state.startedAtNanos);
        Duration scanning = remaining.compareTo(MAX_END_OF_DATA_WAIT) < 0 ? remaining : MAX_END_OF_DATA_WAIT;
        return scanning.compareTo(state.timeouts.command()) > 0 ? scanning : state.timeouts.command();
    }
}
