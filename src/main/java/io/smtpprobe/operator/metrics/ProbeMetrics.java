package io.smtpprobe.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.smtpprobe.api.v1alpha1.OperatorReason;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.TransportSecurity;
import io.smtpprobe.operator.controller.ProbeGate;
import io.smtpprobe.operator.controller.ResourceKey;
import io.smtpprobe.operator.tracing.TraceLinks;
import java.time.Duration;
import java.time.Instant;
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
    public static final String SUCCESS = "smtpprobe.probe.success";
    public static final String DURATION = "smtpprobe.probe.duration";
    public static final String REPLY_CODE = "smtpprobe.last.reply.code";
    public static final String CERT_EXPIRY = "smtpprobe.certificate.expiry.timestamp";
    public static final String PROBES = "smtpprobe.probes";
    public static final String CONSECUTIVE_FAILURES = "smtpprobe.consecutive.failures";
    /** When the resource's latest probe completed, written or not (a status heartbeat may leave it unwritten). */
    public static final String LAST_PROBE = "smtpprobe.last.probe.timestamp";
    public static final String WAITING = "smtpprobe.probes.waiting";
    /** Domains judged, by RFC 8460 policy type and result type: no tenant labels, so always exported. */
    public static final String TRANSPORT_SECURITY = "smtpprobe.transport.security";
    /** Per domain: 1 when its MTA-STS or DANE policy holds, 0 when it fails or there is none. */
    public static final String TRANSPORT_SECURE = "smtpprobe.transport.secure";
    /** From a probe's end until the write of its status returned: the operator's own share of status latency. */
    public static final String STATUS_DELAY = "smtpprobe.status.write.delay";

    private record GaugeValue(Meter.Id id, AtomicReference<Double> value) {
    }

    private final MeterRegistry registry;
    /** Gauges by metric and tags, and which belong to which resource, so that deletion removes them. */
    private final Map<String, GaugeValue> gauges = new ConcurrentHashMap<>();
    private final Map<ResourceKey, Set<Meter.Id>> byResource = new ConcurrentHashMap<>();
    private final Map<ResourceKey, Meter.Id> failuresByResource = new ConcurrentHashMap<>();

    private final boolean tenantLabels;
    private final TraceLinks traces;

    public ProbeMetrics(MeterRegistry registry) {
        this(registry, true);
    }

    public ProbeMetrics(MeterRegistry registry, boolean tenantLabels) {
        this(registry, tenantLabels, TraceLinks.shared());
    }

    /**
     * Without tenant labels the per-resource gauges are not exported at all: without their namespace,
     * name and domain they would be one series overwritten by every tenant, which is worse than none.
     *
     * @param traces where a traced report's stage durations link to, as exemplars (empty while tracing is off)
     */
    public ProbeMetrics(MeterRegistry registry, boolean tenantLabels, TraceLinks traces) {
        this.registry = registry;
        this.tenantLabels = tenantLabels;
        this.traces = traces;
    }

    public void record(ResourceKey resource, ProbeReport report) {
        record(resource, report, null);
    }

    /** @param completed when the probe completed; null leaves the last-probe gauge out */
    public void record(ResourceKey resource, ProbeReport report, Instant completed) {
        try {
            recordTraced(resource, report, completed);
        } finally {
            traces.forget(report);
        }
    }

    private void recordTraced(ResourceKey resource, ProbeReport report, Instant completed) {
        if (!tenantLabels) {
            totalsOnly(report);
            return;
        }
        var seen = new HashSet<Meter.Id>();
        if (completed != null) {
            seen.add(gauge(LAST_PROBE, "seconds", Tags.of("namespace", resource.namespace(), "name", resource.name()),
                    completed.getEpochSecond()));
        }
        for (DomainResult domain : report.domains()) {
            var tags = Tags.of("namespace", resource.namespace(), "name", resource.name(), "domain", domain.domain());
            seen.add(gauge(SUCCESS, null, tags, domain.result() == Outcome.Success ? 1 : 0));
            ServerResult deciding = domain.servers().stream().filter(s -> s.reason() == domain.reason()).findFirst().orElse(null);
            if (deciding != null && deciding.reply() != null) {
                seen.add(gauge(REPLY_CODE, null, tags, deciding.reply().code()));
            }
            for (ServerResult server : domain.servers()) {
                stageDurations(report, server);
                if (server.tls() != null && server.tls().certificate() != null && server.tls().certificate().notAfter() != null) {
                    seen.add(gauge(CERT_EXPIRY, "seconds", tags.and("host", server.host()),
                            server.tls().certificate().notAfter().getEpochSecond()));
                }
            }
            probes(domain.result().name(), domain.reason() == null ? "" : domain.reason().name());
            TransportSecurity t = domain.transportSecurity();
            if (t != null) {
                transportSecurity(t);
                seen.add(gauge(TRANSPORT_SECURE, null, tags.and("policy_type", t.policyType().wireName()),
                        !t.failed() && t.policyType() != TransportSecurity.PolicyType.NO_POLICY_FOUND ? 1 : 0));
            }
        }
        var previous = byResource.put(resource, seen);
        if (previous != null) {
            previous.stream().filter(id -> !seen.contains(id)).forEach(this::removeGauge);
        }
    }

    private void totalsOnly(ProbeReport report) {
        for (DomainResult domain : report.domains()) {
            domain.servers().forEach(server -> stageDurations(report, server));
            probes(domain.result().name(), domain.reason() == null ? "" : domain.reason().name());
            if (domain.transportSecurity() != null) {
                transportSecurity(domain.transportSecurity());
            }
        }
    }

    private void transportSecurity(TransportSecurity t) {
        Counter.builder(TRANSPORT_SECURITY).description("Domains judged for MTA-STS and DANE, by RFC 8460 policy type and result")
                .tags("policy_type", t.policyType().wireName(), "result", t.result().wireName())
                .register(registry).increment();
    }

    /**
     * Observed with the stage's span current when the run was traced, so that the histogram's buckets
     * carry the trace as their exemplar (OpenMetrics scrapes only).
     */
    private void stageDurations(ProbeReport report, ServerResult server) {
        if (server.latencyMs() != null) {
            server.latencyMs().forEach((stage, ms) -> {
                Timer timer = Timer.builder(DURATION)
                        .description("Time spent per SMTP stage")
                        .tag("stage", stage.name())
                        .publishPercentileHistogram()
                        .register(registry);
                traces.observe(report, server, stage, () -> timer.record(Duration.ofMillis(ms)));
            });
        }
    }

    /**
     * A probe's status is stored: how long after the probe ended. No tenant labels, so always exported; a
     * backlog of status writes (too few reconciliation threads, a slow API server) shows here first.
     */
    public void statusWritten(Duration sinceProbeEnd) {
        Timer.builder(STATUS_DELAY).description("From a probe's end until the write of its status returned")
                .publishPercentileHistogram().register(registry).record(sinceProbeEnd);
    }

    /** The runner broke instead of returning a verdict; counted so alerts on the error rate see it. */
    public void failed() {
        probes(Outcome.PermanentFailure.name(), OperatorReason.ProbeError.name());
    }

    /** As in status, so that an alert on failures in a row survives an operator restart. */
    public void consecutiveFailures(ResourceKey resource, int failures) {
        if (!tenantLabels) {
            return;
        }
        var id = gauge(CONSECUTIVE_FAILURES, null, Tags.of("namespace", resource.namespace(), "name", resource.name()), failures);
        failuresByResource.put(resource, id);
    }

    /**
     * Probes waiting for one of the global slots, per namespace, read live from the gate: a gauge
     * appears with a namespace's first wait and then stays, at 0 while nothing waits.
     */
    public void waitingFor(ProbeGate gate) {
        if (!tenantLabels) {
            // one series for all namespaces: the namespace is a tenant label too
            Gauge.builder(WAITING, gate, ProbeGate::waitingTotal)
                    .description("Probes waiting for one of the operator's concurrent-probe slots")
                    .strongReference(true).register(registry);
            return;
        }
        Set<String> known = ConcurrentHashMap.newKeySet();
        gate.onWaiting(namespace -> {
            if (known.add(namespace)) {
                Gauge.builder(WAITING, gate, g -> g.waiting(namespace))
                        .description("Probes waiting for one of the operator's concurrent-probe slots")
                        .tags("namespace", namespace).strongReference(true).register(registry);
            }
        });
    }

    /** A deleted resource must not keep reporting its last verdict. */
    public void forget(ResourceKey resource) {
        var ids = byResource.remove(resource);
        if (ids != null) {
            ids.forEach(this::removeGauge);
        }
        var failures = failuresByResource.remove(resource);
        if (failures != null) {
            removeGauge(failures);
        }
    }

    private void probes(String result, String reason) {
        Counter.builder(PROBES).description("Domain probes by verdict")
                .tags("result", result, "reason", reason)
                .register(registry).increment();
    }

    private Meter.Id gauge(String metric, String unit, Tags tags, double value) {
        var gauge = gauges.computeIfAbsent(key(metric, tags), k -> {
            var holder = new AtomicReference<>(value);
            var registered = Gauge.builder(metric, holder, AtomicReference::get).tags(tags).baseUnit(unit)
                    .strongReference(true).register(registry);
            return new GaugeValue(registered.getId(), holder);
        });
        gauge.value().set(value);
        return gauge.id();
    }

    private void removeGauge(Meter.Id id) {
        registry.remove(id);
        gauges.remove(key(id.getName(), Tags.of(id.getTags())));
    }

    private static String key(String metric, Tags tags) {
        return metric + tags;
    }
}
