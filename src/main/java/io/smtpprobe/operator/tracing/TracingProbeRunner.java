package io.smtpprobe.operator.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.engine.ProbeObserver;
import io.smtpprobe.engine.ProbeRunner;
import java.time.Clock;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A span per probe run around any runner, with the run's DNS lookups, dialogues and stages beneath it
 * ({@link RunTrace}). The runner's own future is returned untouched, so cancelling it still reaches the run.
 */
public final class TracingProbeRunner implements ProbeRunner {
    private final ProbeRunner delegate;
    private final Tracer tracer;
    private final Clock clock;

    public TracingProbeRunner(ProbeRunner delegate, Tracer tracer, Clock clock) {
        this.delegate = delegate;
        this.tracer = tracer;
        this.clock = clock;
    }

    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request) {
        Span span = tracer.spanBuilder("SMTP probe").setNoParent().setSpanKind(SpanKind.INTERNAL)
                .setAttribute(SpanAttributes.DOMAINS, request.domains()).startSpan();
        CompletionStage<ProbeReport> run;
        try {
            run = delegate.run(request, new RunTrace(tracer, Context.root().with(span), clock));
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, "the runner failed");
            span.end();
            throw e;
        }
        run.whenComplete((report, error) -> {
            if (report != null) {
                SpanAttributes.verdict(span, report.result(), report.reason());
            } else if (unwrap(error) instanceof CancellationException) {
                span.setAttribute(SpanAttributes.OUTCOME, "Cancelled");
            } else {
                span.recordException(unwrap(error));
                span.setStatus(StatusCode.ERROR, "the runner failed");
            }
            span.end();
        });
        return run;
    }

    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request, ProbeObserver observer) {
        return delegate.run(request, observer);
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
