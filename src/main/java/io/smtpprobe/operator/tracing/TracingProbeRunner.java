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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A span per probe run around any runner, with the run's DNS lookups, dialogues and stages beneath it
 * ({@link RunTrace}). The report is handed on only once its spans are known to {@link TraceLinks}, so the
 * metrics recorded from it can link to them; cancelling the returned future still reaches the run.
 */
public final class TracingProbeRunner implements ProbeRunner {
    private final ProbeRunner delegate;
    private final Tracer tracer;
    private final Clock clock;
    private final TraceLinks links;

    public TracingProbeRunner(ProbeRunner delegate, Tracer tracer, Clock clock) {
        this(delegate, tracer, clock, TraceLinks.shared());
    }

    public TracingProbeRunner(ProbeRunner delegate, Tracer tracer, Clock clock, TraceLinks links) {
        this.delegate = delegate;
        this.tracer = tracer;
        this.clock = clock;
        this.links = links;
    }

    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request) {
        Span span = tracer.spanBuilder("SMTP probe").setNoParent().setSpanKind(SpanKind.INTERNAL)
                .setAttribute(SpanAttributes.DOMAINS, request.domains()).startSpan();
        var trace = new RunTrace(tracer, Context.root().with(span), clock);
        CompletableFuture<ProbeReport> run;
        try {
            run = delegate.run(request, trace).toCompletableFuture();
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, "the runner failed");
            span.end();
            throw e;
        }
        var traced = new CompletableFuture<ProbeReport>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                run.cancel(mayInterruptIfRunning);
                return super.cancel(mayInterruptIfRunning);
            }
        };
        run.whenComplete((report, error) -> {
            if (report != null) {
                SpanAttributes.verdict(span, report.result(), report.reason());
                links.put(report, span.getSpanContext(), trace.links());
            } else if (unwrap(error) instanceof CancellationException) {
                span.setAttribute(SpanAttributes.OUTCOME, "Cancelled");
            } else {
                span.recordException(unwrap(error));
                span.setStatus(StatusCode.ERROR, "the runner failed");
            }
            span.end();
            if (error == null) {
                traced.complete(report);
            } else {
                traced.completeExceptionally(unwrap(error));
            }
        });
        return traced;
    }

    @Override
    public CompletionStage<ProbeReport> run(ProbeRequest request, ProbeObserver observer) {
        return delegate.run(request, observer);
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
