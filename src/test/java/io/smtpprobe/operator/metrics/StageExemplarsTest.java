package io.smtpprobe.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.quarkus.micrometer.runtime.export.exemplars.OpentelemetryExemplarSamplerProvider;
import io.smtpprobe.core.Limits;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.engine.ProbeObserver;
import io.smtpprobe.engine.ProbeRunner;
import io.smtpprobe.engine.smtp.SmtpTarget;
import io.smtpprobe.operator.controller.Reports;
import io.smtpprobe.operator.controller.ResourceKey;
import io.smtpprobe.operator.tracing.TraceLinks;
import io.smtpprobe.operator.tracing.TracingProbeRunner;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exemplars link the stage histogram to traces: the registry is the operator's (Micrometer's Prometheus
 * registry with Quarkus's OpenTelemetry exemplar sampler, which reads the current span), the report is
 * recorded as the reconciler does, later and on a thread with no span current, and an OpenMetrics scrape
 * names the traced stage's span.
 */
class StageExemplarsTest {
    /** A bucket line with its exemplar: {@code ..._bucket{le="0.05",stage="RcptTo",} 1.0 # {span_id="…",trace_id="…"} 0.04 …}. */
    private static final Pattern EXEMPLAR = Pattern.compile(
            "smtpprobe_probe_duration_seconds_bucket\\{[^}]*stage=\"(\\w+)\"[^}]*} \\S+ # \\{([^}]*)}");

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new CollectorRegistry(),
            Clock.SYSTEM, new OpentelemetryExemplarSamplerProvider().exemplarSampler().orElseThrow());
    private final TraceLinks links = new TraceLinks(16);
    private final ResourceKey fabrikam = ResourceKey.of("mail", "fabrikam");

    @AfterEach
    void close() {
        tracing.close();
        registry.close();
    }

    @Test
    void aTracedProbesStageDurationsCarryItsStageSpansAsExemplarsInAnOpenMetricsScrape() throws Exception {
        ProbeRunner traced = new TracingProbeRunner(new OneDialogue(), tracing.get("test"), java.time.Clock.systemUTC(), links);

        ProbeReport report = traced.run(request()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        new ProbeMetrics(registry, true, links).record(fabrikam, report);

        SpanData run = exported("SMTP probe");
        String scrape = registry.scrape(TextFormat.CONTENT_TYPE_OPENMETRICS_100);
        Map<String, String> exemplars = exemplarsByStage(scrape);
        assertThat(exemplars).as(scrape).containsOnlyKeys("Connect", "RcptTo");
        assertThat(exemplars.get("RcptTo")).contains("trace_id=\"" + run.getTraceId() + "\"",
                "span_id=\"" + exported("RCPT").getSpanId() + "\"");
        assertThat(exemplars.get("Connect")).contains("trace_id=\"" + run.getTraceId() + "\"",
                "span_id=\"" + exported("CONNECT").getSpanId() + "\"");
        // the classic text format has no exemplars: only a scrape that asks for OpenMetrics gets them
        assertThat(registry.scrape(TextFormat.CONTENT_TYPE_004)).contains("smtpprobe_probe_duration_seconds_bucket")
                .doesNotContain("trace_id");
    }

    @Test
    void anUntracedProbeHasNoExemplarsAndLeavesNoLinks() {
        ProbeReport report = Reports.userUnknown("fabrikam.test");
        new ProbeMetrics(registry, true, links).record(fabrikam, report);

        assertThat(registry.scrape(TextFormat.CONTENT_TYPE_OPENMETRICS_100)).contains("smtpprobe_probe_duration_seconds_bucket")
                .doesNotContain("trace_id");
    }

    @Test
    void aRecordedReportsLinksAreGoneAfterwards() throws Exception {
        ProbeRunner traced = new TracingProbeRunner(new OneDialogue(), tracing.get("test"), java.time.Clock.systemUTC(), links);
        ProbeReport report = traced.run(request()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        var metrics = new ProbeMetrics(registry, true, links);
        metrics.record(fabrikam, report);

        boolean[] traceCurrent = {true};
        links.observe(report, report.domains().get(0).servers().get(0), Stage.RcptTo,
                () -> traceCurrent[0] = io.opentelemetry.api.trace.Span.current().getSpanContext().isValid());
        assertThat(traceCurrent[0]).isFalse();
    }

    private static Map<String, String> exemplarsByStage(String scrape) {
        Map<String, String> byStage = new HashMap<>();
        Matcher exemplar = EXEMPLAR.matcher(scrape);
        while (exemplar.find()) {
            byStage.merge(exemplar.group(1), exemplar.group(2), (a, b) -> a + " " + b);
        }
        return byStage;
    }

    private SpanData exported(String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + exporter.getFinishedSpanItems()));
    }

    private static ProbeRequest request() {
        var options = new ProbeOptions("probe.test", "", List.of(), Set.of(), TlsMode.Disabled, false, null, Timeouts.DEFAULT,
                Limits.DEFAULT);
        return new ProbeRequest(List.of("fabrikam.test"), List.of(), 25, MxPolicy.Preferred, options);
    }

    /** The engine's side of one refused recipient, told to the observer as the engine tells it. */
    private static final class OneDialogue implements ProbeRunner {
        @Override
        public CompletionStage<ProbeReport> run(ProbeRequest request) {
            return run(request, ProbeObserver.NONE);
        }

        @Override
        public CompletionStage<ProbeReport> run(ProbeRequest request, ProbeObserver observer) {
            var server = Reports.server("mx1.fabrikam.test", Stage.RcptTo, Reason.RecipientUnknown, 550, "5.1.1 User unknown")
                    .toBuilder().latencyMs(Map.of(Stage.Connect, 3L, Stage.RcptTo, 40L)).build();
            ProbeReport report = Reports.report(Reports.domain("fabrikam.test", server));
            try {
                var dialogue = observer.dialogue(new SmtpTarget(server.host(), InetAddress.getByName(server.address()),
                        server.port(), server.preference()), false);
                for (Stage stage : List.of(Stage.Connect, Stage.Banner, Stage.Ehlo, Stage.MailFrom, Stage.RcptTo)) {
                    dialogue.stageStarted(stage);
                    dialogue.stageEnded(stage, stage == Stage.RcptTo ? server.reply() : null);
                }
                dialogue.finished(server);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
            return CompletableFuture.completedFuture(report);
        }
    }
}
