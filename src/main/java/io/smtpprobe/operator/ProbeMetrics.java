package io.smtpprobe.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.smtpprobe.probe.DomainResult;
import io.smtpprobe.probe.ProbeReport;
import io.smtpprobe.smtp.Outcome;
import io.smtpprobe.smtp.ServerResult;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Prometheus metrics. Labels are only identifiers (namespace, name, domain, host) and enum names,
 * never server text, so that a hostile server cannot blow up the series count.
 */
public final class ProbeMetrics {
    static final String SUCCESS = "smtpprobe.probe.success";
    static final String DURATION = "smtpprobe.probe.duration";
    static final String REPLY_CODE = "smtpprobe.last.reply.code";
    static final String CERT_EXPIRY = "smtpprobe.certificate.expiry.timestamp";
    static final String PROBES = "smtpprobe.probes";

    private final MeterRegistry registry;
    /** Gauge values by meter id, and which gauges belong to which resource, so deletion removes them. */
    private final Map<String, AtomicReference<Double>> values = new ConcurrentHashMap<>();
    private final Map<String, Set<io.micrometer.core.instrument.Meter.Id>> byResource = new ConcurrentHashMap<>();

    public ProbeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String namespace, String name, ProbeReport report) {
        String resource = namespace + "/" + name;
        var seen = new HashSet<io.micrometer.core.instrument.Meter.Id>();
        for (DomainResult domain : report.domains()) {
            var tags = Tags.of("namespace", namespace, "name", name, "domain", domain.domain());
            seen.add(gauge(SUCCESS, null, tags, domain.result() == Outcome.Success ? 1 : 0));
            ServerResult deciding = domain.servers().stream().filter(s -> s.reason() == domain.reason()).findFirst().orElse(null);
            if (deciding != null && deciding.reply() != null) {
                seen.add(gauge(REPLY_CODE, null, tags, deciding.reply().code()));
            }
            for (ServerResult server : domain.servers()) {
                if (server.tls() != null && server.tls().certificate() != null && server.tls().certificate().notAfter() != null) {
                    seen.add(gauge(CERT_EXPIRY, "seconds", tags.and("host", server.host()),
                            server.tls().certificate().notAfter().getEpochSecond()));
                }
                if (server.latencyMs() != null) {
                    server.latencyMs().forEach((stage, ms) -> Timer.builder(DURATION)
                            .description("Time spent per SMTP stage")
                            .tag("stage", stage.name())
                            .publishPercentileHistogram()
                            .register(registry)
                            .record(Duration.ofMillis(ms)));
                }
            }
            Counter.builder(PROBES).description("Domain probes by verdict")
                    .tags("result", domain.result().name(), "reason", domain.reason() == null ? "" : domain.reason().name())
                    .register(registry).increment();
        }
        var previous = byResource.put(resource, seen);
        if (previous != null) {
            previous.stream().filter(id -> !seen.contains(id)).forEach(this::removeGauge);
        }
    }

    /** The runner broke instead of returning a verdict; counted so alerts on the error rate see it. */
    public void failed() {
        Counter.builder(PROBES).description("Domain probes by verdict")
                .tags("result", io.smtpprobe.smtp.Outcome.PermanentFailure.name(), "reason", io.smtpprobe.api.OperatorReason.ProbeError.name())
                .register(registry).increment();
    }

    /** A deleted resource must not keep reporting its last verdict. */
    public void forget(String namespace, String name) {
        var ids = byResource.remove(namespace + "/" + name);
        if (ids != null) {
            ids.forEach(this::removeGauge);
        }
    }

    private io.micrometer.core.instrument.Meter.Id gauge(String metric, String unit, Tags tags, double value) {
        String key = metric + tags;
        var holder = values.computeIfAbsent(key, k -> new AtomicReference<>(value));
        holder.set(value);
        var gauge = Gauge.builder(metric, holder, AtomicReference::get).tags(tags).baseUnit(unit).strongReference(true).register(registry);
        return gauge.getId();
    }

    private void removeGauge(io.micrometer.core.instrument.Meter.Id id) {
        registry.remove(id);
        values.remove(id.getName() + Tags.of(id.getTags()));
    }
}
