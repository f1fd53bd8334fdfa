package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.testsupport.ControlPlane;
import io.smtpprobe.testsupport.Dnsmasq;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Traces leave the packaged operator for a real OTLP receiver: an OpenTelemetry Collector on loopback, configured
 * only through the two environment variables the chart's {@code tracing.otlpEndpoint} sets, receives the trace of a
 * probe of Postfix's smtp-sink with every stage as a span.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracesIT {
    private static final String NAMESPACE = "traces-it";
    private static final String MTA_ADDRESS = "127.0.0.42";
    private static final int SMTP_PORT = 25;

    private ControlPlane controlPlane;
    private OtelCollector collector;
    private Process sink;
    private Dnsmasq dns;
    private OperatorProcess operator;

    @BeforeAll
    void start() {
        controlPlane = ControlPlane.shared();
        collector = OtelCollector.start();
        sink = SmtpSink.start(MTA_ADDRESS, SMTP_PORT);
        dns = Dnsmasq.builder().mx("traces.test", "mx.traces.test", 10).host("mx.traces.test", MTA_ADDRESS).start();
        controlPlane.kubectl("apply", "--server-side", "--force-conflicts", "-f", "crds");
        controlPlane.kubectl("wait", "--for=condition=Established", "--timeout=30s", "crd/smtpprobes.smtpprobe.io");
        controlPlane.kubectl("create", "namespace", NAMESPACE);
        operator = OperatorProcess.start("traces", controlPlane.kubeconfigPath(), Map.of(
                "SMTPPROBE_WATCH_NAMESPACES", NAMESPACE,
                "SMTPPROBE_LEADER_ELECTION_ENABLED", "false",
                "SMTPPROBE_DNS_SERVERS", dns.endpoint(),
                "SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.0/8",
                "QUARKUS_OTEL_SDK_DISABLED", "false",
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", collector.endpoint(),
                "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms"));
    }

    @AfterAll
    void stop() {
        if (operator != null) {
            operator.close();
        }
        if (controlPlane != null) {
            controlPlane.kubectl("delete", "namespace", NAMESPACE, "--wait=false", "--ignore-not-found");
        }
        if (dns != null) {
            dns.close();
        }
        if (sink != null) {
            sink.destroy();
            try {
                sink.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void aProbesTraceReachesARealCollectorWithEveryStage() throws IOException {
        applyProbe();

        awaitUntil(Duration.ofSeconds(60), () -> collector.log().matches("(?s).*Name\\s+:\\s+SMTP probe.*"),
                () -> collector.log() + operator.log());

        String spans = collector.log();
        System.out.println(spans);
        assertThat(controlPlane.kubectl("get", "smtpprobe", "traced", "-n", NAMESPACE, "-o", "jsonpath={.status.result} {.status.reason}"))
                .isEqualTo("Success Accepted");
        for (String name : new String[] {"SMTP probe", "DNS", "SMTP dialogue", "CONNECT", "BANNER", "EHLO", "MAIL", "RCPT", "QUIT"}) {
            assertThat(spans).containsPattern("Name\\s+:\\s+" + name + "\\n");
        }
        assertThat(spans).contains("server.address: Str(mx.traces.test)", "network.peer.address: Str(" + MTA_ADDRESS + ")",
                "smtpprobe.reason: Str(Accepted)", "dns.question.name: Str(traces.test)", "service.name: Str(smtp-probe-operator)");
        assertThat(spans).doesNotContain("MAIL FROM", "RCPT TO");
        // QUIT's 221 is QUIT's own reply; every stage says whether it ran over TLS (smtp-sink offers none)
        assertThat(spans).contains("smtp.reply.code: Int(221)", "smtpprobe.tls: Bool(false)");
    }

    @Test
    void anOpenMetricsScrapeLinksTheStageHistogramToTheExportedTrace() throws IOException {
        // the same probe for both tests (apply is idempotent): its stage durations are recorded after the status write
        applyProbe();
        String[] exemplar = new String[1];
        awaitUntil(Duration.ofSeconds(60), () -> {
            Matcher m = EXEMPLAR.matcher(scrape(OPENMETRICS));
            exemplar[0] = m.find() ? m.group(1) : null;
            return exemplar[0] != null && collector.log().contains(traceId(exemplar[0]));
        }, () -> "exemplar " + exemplar[0] + "\n" + scrape(OPENMETRICS) + collector.log());

        assertThat(exemplar[0]).containsPattern("trace_id=\"[0-9a-f]{32}\"").containsPattern("span_id=\"[0-9a-f]{16}\"");
        // the exemplar names a span the collector received, of the trace of a probe
        String spanId = exemplar[0].replaceAll(".*span_id=\"([0-9a-f]+)\".*", "$1");
        assertThat(collector.log()).containsPattern("(?m)^\\s*ID\\s+: " + spanId + "$");
        // the classic text format has none; Quarkus answers it to any Accept header that names text/plain
        assertThat(scrape("text/plain; version=0.0.4")).contains("smtpprobe_probe_duration_seconds_bucket").doesNotContain("trace_id");
    }

    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    /** A bucket line's exemplar, e.g. {@code # {span_id="…",trace_id="…"} 0.012 1764633000.123}. */
    private static final Pattern EXEMPLAR = Pattern.compile("(?m)^smtpprobe_probe_duration_seconds_bucket\\{[^}]*} \\S+ # \\{([^}]*)}");

    private static String traceId(String exemplar) {
        return exemplar.replaceAll(".*trace_id=\"([0-9a-f]+)\".*", "$1");
    }

    private void applyProbe() throws IOException {
        Path probe = Files.createTempFile("traces-it-", ".yaml");
        Files.writeString(probe, """
                apiVersion: smtpprobe.io/v1alpha1
                kind: SmtpProbe
                metadata: {name: traced, namespace: %s}
                spec: {domains: [traces.test], interval: 30s}
                """.formatted(NAMESPACE));
        controlPlane.kubectl("apply", "-f", probe.toString());
    }

    private String scrape(String accept) {
        var request = HttpRequest.newBuilder(operator.uri("/q/metrics")).header("Accept", accept).timeout(Duration.ofSeconds(10));
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "(no scrape: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    private static void awaitUntil(Duration timeout, Supplier<Boolean> condition, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + timeout + ":\n" + diagnostics.get());
            }
            OperatorProcess.sleep(250);
        }
    }

    /** Postfix's smtp-sink, as in DiscoveryIT. */
    static final class SmtpSink {
        private SmtpSink() {
        }

        static Process start(String address, int port) {
            try {
                Process process = new ProcessBuilder("/usr/sbin/smtp-sink", "-u", "nobody", address + ":" + port, "64")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < deadline) {
                    try (var socket = new java.net.Socket(address, port)) {
                        return process;
                    } catch (IOException notYet) {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("smtp-sink exited with " + process.exitValue());
                        }
                        OperatorProcess.sleep(100);
                    }
                }
                process.destroyForcibly();
                throw new IllegalStateException("smtp-sink did not listen on " + address + ":" + port + " within 10 s");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
