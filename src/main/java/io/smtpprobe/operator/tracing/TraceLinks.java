package io.smtpprobe.operator.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which spans a traced run's report came from, so that metrics observed later, on another thread, carry
 * the trace as their exemplar: {@link #observe} makes the stage's span current while the observation is
 * made, and the Prometheus registry's exemplar sampler (Quarkus's, with OpenTelemetry) reads the current span.
 *
 * <p>The report is the one thing both sides see (the runner is built by CDI, the metrics by the operator
 * runtime), hence one shared instance. Reports are held weakly and at most {@link #CAPACITY} at a time, so
 * a report never recorded (an ad-hoc REST check, a cancelled cycle) costs nothing for long. Empty, and so
 * free, while tracing is off.
 */
public final class TraceLinks {
    static final int CAPACITY = 1024;
    private static final TraceLinks SHARED = new TraceLinks(CAPACITY);

    private record RunLinks(SpanContext run, List<DialogueLink> dialogues) {
    }

    /** A report by identity, without keeping it alive: two equal reports are still two runs. */
    private static final class ReportKey {
        private final WeakReference<ProbeReport> report;
        private final int hash;

        ReportKey(ProbeReport report) {
            this.report = new WeakReference<>(report);
            this.hash = System.identityHashCode(report);
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof ReportKey key)) {
                return false;
            }
            ProbeReport mine = report.get();
            return mine != null && mine == key.report.get();
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Map<ReportKey, RunLinks> runs;

    public TraceLinks(int capacity) {
        this.runs = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ReportKey, RunLinks> eldest) {
                return size() > capacity;
            }
        };
    }

    public static TraceLinks shared() {
        return SHARED;
    }

    synchronized void put(ProbeReport report, SpanContext run, List<DialogueLink> dialogues) {
        runs.put(new ReportKey(report), new RunLinks(run, List.copyOf(dialogues)));
    }

    /**
     * Runs the observation of one server's stage with the span it was traced in current: the stage's span
     * in the last dialogue with that server, else the run's. Untraced reports are observed as they are.
     */
    public void observe(ProbeReport report, ServerResult server, Stage stage, Runnable observation) {
        SpanContext span = span(report, server, stage);
        if (span == null || !span.isValid()) {
            observation.run();
            return;
        }
        try (Scope ignored = Context.root().with(Span.wrap(span)).makeCurrent()) {
            observation.run();
        }
    }

    /** The report's observations are made: its links go. */
    public synchronized void forget(ProbeReport report) {
        if (!runs.isEmpty()) {
            runs.remove(new ReportKey(report));
        }
    }

    private synchronized SpanContext span(ProbeReport report, ServerResult server, Stage stage) {
        if (runs.isEmpty()) {
            return null;
        }
        RunLinks links = runs.get(new ReportKey(report));
        if (links == null) {
            return null;
        }
        for (int i = links.dialogues().size() - 1; i >= 0; i--) {
            DialogueLink dialogue = links.dialogues().get(i);
            if (dialogue.spokeTo(server)) {
                return dialogue.span(stage);
            }
        }
        return links.run();
    }
}
