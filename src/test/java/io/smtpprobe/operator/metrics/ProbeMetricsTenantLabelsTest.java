package io.smtpprobe.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.operator.controller.ProbeGate;
import io.smtpprobe.operator.controller.ResourceKey;
import io.smtpprobe.operator.controller.Reports;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProbeMetricsTenantLabelsTest {
    final ResourceKey fabrikam = ResourceKey.of("tenant-a", "fabrikam");

    @Test
    void withTenantLabelsEverySeriesNamesItsResource() {
        var registry = new SimpleMeterRegistry();
        var metrics = new ProbeMetrics(registry, true);
        metrics.record(fabrikam, Reports.userUnknownOverTls("fabrikam.test", Instant.parse("2099-01-01T00:00:00Z")));
        metrics.consecutiveFailures(fabrikam, 1);
        assertThat(tagValues(registry)).contains("tenant-a", "fabrikam", "fabrikam.test");
    }

    @Test
    void withoutTenantLabelsNoSeriesNamesANamespaceNameDomainOrHost() {
        var registry = new SimpleMeterRegistry();
        var metrics = new ProbeMetrics(registry, false);
        metrics.record(fabrikam, Reports.userUnknownOverTls("fabrikam.test", Instant.parse("2099-01-01T00:00:00Z")));
        metrics.consecutiveFailures(fabrikam, 1);
        assertThat(registry.getMeters()).extracting(m -> m.getId().getName())
                .contains(ProbeMetrics.PROBES)
                .doesNotContain(ProbeMetrics.SUCCESS, ProbeMetrics.REPLY_CODE, ProbeMetrics.CERT_EXPIRY, ProbeMetrics.CONSECUTIVE_FAILURES);
        assertThat(registry.getMeters()).flatExtracting(m -> m.getId().getTags()).extracting(t -> t.getKey())
                .doesNotContain("namespace", "name", "domain", "host");
        assertThat(tagValues(registry)).doesNotContain("tenant-a", "fabrikam", "fabrikam.test");
    }

    @Test
    void withoutTenantLabelsWaitingProbesAreOneSeriesForAllNamespaces() {
        var registry = new SimpleMeterRegistry();
        var gate = new ProbeGate(1);
        new ProbeMetrics(registry, false).waitingFor(gate);
        gate.acquire("tenant-a");
        gate.acquire("tenant-a");
        gate.acquire("tenant-b");
        var waiting = registry.find(ProbeMetrics.WAITING).gauges();
        assertThat(waiting).hasSize(1);
        assertThat(waiting.iterator().next().getId().getTags()).isEmpty();
        assertThat(waiting.iterator().next().value()).isEqualTo(2.0);
    }

    private static java.util.List<String> tagValues(SimpleMeterRegistry registry) {
        return registry.getMeters().stream().map(Meter::getId).flatMap(id -> id.getTags().stream()).map(t -> t.getValue()).toList();
    }
}
