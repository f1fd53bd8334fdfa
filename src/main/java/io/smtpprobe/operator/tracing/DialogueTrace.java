package io.smtpprobe.operator.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.semconv.NetworkAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.engine.smtp.DialogueObserver;
import io.smtpprobe.engine.smtp.SmtpTarget;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One dialogue as a span with a child per stage. Stages are timed as they happen (on the dialogue's
 * event loop, where only timestamps are taken) and become spans when the dialogue ends, once the
 * verdict says which stage failed. Each stage span says whether it ran over TLS ({@code smtpprobe.tls}),
 * which is how the EHLO after STARTTLS reads apart from the first.
 */
final class DialogueTrace implements DialogueObserver {
    private final Tracer tracer;
    private final Context parent;
    private final SmtpTarget target;
    private final boolean plaintextRetry;
    private final Clock clock;
    private final Instant started;
    private final List<StageTiming> stages = new ArrayList<>();
    private boolean overTls;
    private DialogueLink link;

    private static final class StageTiming {
        final Stage stage;
        final Instant start;
        final boolean overTls;
        Instant end;
        Reply reply;

        StageTiming(Stage stage, Instant start, boolean overTls) {
            this.stage = stage;
            this.start = start;
            this.overTls = overTls;
        }
    }

    DialogueTrace(Tracer tracer, Context parent, SmtpTarget target, boolean plaintextRetry, Clock clock) {
        this.tracer = tracer;
        this.parent = parent;
        this.target = target;
        this.plaintextRetry = plaintextRetry;
        this.clock = clock;
        this.started = clock.instant();
    }

    @Override
    public synchronized void stageStarted(Stage stage) {
        stages.add(new StageTiming(stage, clock.instant(), overTls));
    }

    @Override
    public synchronized void tlsEstablished() {
        overTls = true;
    }

    @Override
    public synchronized void stageEnded(Stage stage, Reply reply) {
        for (int i = stages.size() - 1; i >= 0; i--) {
            StageTiming timing = stages.get(i);
            if (timing.stage == stage && timing.end == null) {
                timing.end = clock.instant();
                timing.reply = reply;
                return;
            }
        }
    }

    @Override
    public synchronized void finished(ServerResult result) {
        Instant end = clock.instant();
        Span dialogue = tracer.spanBuilder("SMTP dialogue").setParent(parent).setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(nanos(started), TimeUnit.NANOSECONDS)
                .setAttribute(ServerAttributes.SERVER_ADDRESS, target.host())
                .setAttribute(ServerAttributes.SERVER_PORT, (long) target.port())
                .setAttribute(NetworkAttributes.NETWORK_PEER_ADDRESS, target.address().getHostAddress())
                .setAttribute(NetworkAttributes.NETWORK_PEER_PORT, (long) target.port())
                .setAttribute(SpanAttributes.PLAINTEXT_RETRY, plaintextRetry)
                .startSpan();
        if (target.preference() != null) {
            dialogue.setAttribute(SpanAttributes.MX_PREFERENCE, (long) target.preference());
        }
        dialogue.setAttribute(SpanAttributes.STAGE, result.stage().name());
        SpanAttributes.reply(dialogue, result.reply(), true);
        SpanAttributes.verdict(dialogue, result.outcome(), result.reason());
        Context inDialogue = parent.with(dialogue);
        StageTiming failed = failedStage(result);
        var stageSpans = new EnumMap<Stage, SpanContext>(Stage.class);
        for (StageTiming timing : stages) {
            Span span = tracer.spanBuilder(timing.stage.command()).setParent(inDialogue)
                    .setStartTimestamp(nanos(timing.start), TimeUnit.NANOSECONDS)
                    .setAttribute(SpanAttributes.TLS, timing.overTls).startSpan();
            // the first of a stage is the one its latency counts (the EHLO after STARTTLS is StartTls's)
            stageSpans.putIfAbsent(timing.stage, span.getSpanContext());
            SpanAttributes.reply(span, timing.reply, false);
            if (timing == failed) {
                span.setAttribute(SpanAttributes.REASON, result.reason().name());
                span.setStatus(StatusCode.ERROR, result.reason().name());
            }
            span.end(nanos(timing.end == null ? end : timing.end), TimeUnit.NANOSECONDS);
        }
        dialogue.end(nanos(end), TimeUnit.NANOSECONDS);
        link = new DialogueLink(target.host(), target.address().getHostAddress(), target.port(),
                dialogue.getSpanContext(), stageSpans);
    }

    /** Where this dialogue's stage observations point once it has finished; null before. */
    synchronized DialogueLink link() {
        return link;
    }

    /**
     * The last timing of the stage the verdict names, when the verdict is a failure. The engine names a
     * refused EHLO after STARTTLS {@code StartTls}; its span is the EHLO's, which got the reply.
     */
    private StageTiming failedStage(ServerResult result) {
        if (result.outcome() == Outcome.Success || result.reason() == null) {
            return null;
        }
        for (int i = stages.size() - 1; i >= 0; i--) {
            StageTiming timing = stages.get(i);
            if (timing.stage == result.stage()) {
                return timing;
            }
            boolean ehloAfterStartTls = result.stage() == Stage.StartTls && timing.stage == Stage.Ehlo && i > 0
                    && stages.get(i - 1).stage == Stage.StartTls;
            if (ehloAfterStartTls) {
                return timing;
            }
        }
        return null;
    }

    private static long nanos(Instant instant) {
        return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
    }
}
