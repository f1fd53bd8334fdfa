package io.smtpprobe.operator.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.engine.ProbeObserver;
import io.smtpprobe.engine.smtp.DialogueObserver;
import io.smtpprobe.engine.smtp.SmtpTarget;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** One probe run: its DNS lookups and dialogues become children of the run's span. */
final class RunTrace implements ProbeObserver {
    private final Tracer tracer;
    private final Context run;
    private final Clock clock;
    private final Map<String, Span> lookups = new ConcurrentHashMap<>();
    private final List<DialogueTrace> dialogues = new CopyOnWriteArrayList<>();

    RunTrace(Tracer tracer, Context run, Clock clock) {
        this.tracer = tracer;
        this.run = run;
        this.clock = clock;
    }

    @Override
    public void dnsStarted(String name) {
        lookups.put(name, tracer.spanBuilder("DNS").setParent(run).setSpanKind(SpanKind.CLIENT)
                .setAttribute(SpanAttributes.DNS_QUESTION_NAME, name).startSpan());
    }

    @Override
    public void dnsEnded(String name, DnsStatus status) {
        Span span = lookups.remove(name);
        if (span == null) {
            return;
        }
        span.setAttribute(SpanAttributes.DNS_STATUS, status.name());
        if (status != DnsStatus.Ok) {
            span.setStatus(StatusCode.ERROR, status.name());
        }
        span.end();
    }

    @Override
    public DialogueObserver dialogue(SmtpTarget target, boolean plaintextRetry) {
        var dialogue = new DialogueTrace(tracer, run, target, plaintextRetry, clock);
        dialogues.add(dialogue);
        return dialogue;
    }

    /** The finished dialogues' spans, in the order they started. */
    List<DialogueLink> links() {
        return dialogues.stream().map(DialogueTrace::link).filter(Objects::nonNull).toList();
    }
}
