package io.smtpprobe.operator.controller;

import static io.smtpprobe.operator.controller.Probes.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.api.v1alpha1.HistoryEntry;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.operator.config.OperatorConfig;
import io.smtpprobe.operator.metrics.ProbeMetrics;
import io.smtpprobe.operator.status.Timestamps;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** smtpprobe.status-heartbeat through the whole operator: what reaches the API server, and what metrics and REST still see. */
class StatusHeartbeatOperatorTest {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();
    KubernetesClient client;
    final FakeRunner runner = new FakeRunner();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OperatorRuntime operator;

    @BeforeEach
    void client() {
        client = cluster.client();
    }

    void start(OperatorConfig config) {
        operator = cluster.operator(client, runner, config, registry);
    }

    @Test
    void probesThatConfirmTheVerdictAreWrittenOnlyOncePerHeartbeat() {
        start(TestConfig.operator("smtpprobe.status-heartbeat", "2s"));
        create("a", spec -> {
            spec.setDomains(List.of("contoso.test"));
            spec.setInterval("200ms");
        });
        await(() -> status("a") != null);
        long first = System.nanoTime();
        var firstWritten = status("a").lastProbeTime();
        await(() -> runner.calls() >= 25, Duration.ofSeconds(30));
        double seconds = (System.nanoTime() - first) / 1e9;
        var writer = operator.statusWriter();

        long writes = writer.writes();
        // one write at the start, then one per 2 s heartbeat; a cycle late under load adds at most one more
        assertThat(writes).isBetween(2L, 2 + (long) (seconds / 2));
        assertThat(writer.confirmed()).isGreaterThanOrEqualTo(runner.calls() - writes - 1);
        var stored = status("a");
        assertThat(stored.heartbeat()).isEqualTo("2s");
        assertThat(Timestamps.parse(stored.lastProbeTime())).isAfter(Timestamps.parse(firstWritten));
        assertThat(stored.history()).hasSizeLessThanOrEqualTo((int) writes);

        // the REST API and the metrics see the latest probe, also an unwritten one
        var latest = operator.results().get(ResourceKey.of(Probes.NS, "a")).orElseThrow().time();
        assertThat(latest).isAfterOrEqualTo(Timestamps.parse(stored.lastProbeTime()));
        assertThat(registry.find(ProbeMetrics.LAST_PROBE).tag("name", "a").gauge().value())
                .isGreaterThanOrEqualTo(Timestamps.parse(stored.lastProbeTime()).getEpochSecond());
    }

    /** Each probe is held until the test ends it, so that nothing but the probe in question can have been written. */
    @Test
    void aChangedVerdictIsWrittenInTheCycleThatFoundItWhateverTheHeartbeat() {
        runner.hold = true;
        start(TestConfig.operator("smtpprobe.status-heartbeat", "1h"));
        create("a", spec -> {
            spec.setDomains(List.of("contoso.test"));
            spec.setInterval("200ms");
        });
        var writer = operator.statusWriter();
        complete(1, Reports.allAccepted("contoso.test"));
        await(() -> writer.writes() == 1);
        complete(2, Reports.allAccepted("contoso.test"));
        await(() -> writer.confirmed() == 1);
        complete(3, Reports.allAccepted("contoso.test"));
        await(() -> writer.confirmed() == 2);
        assertThat(writer.writes()).isEqualTo(1);

        complete(4, Reports.userUnknown("contoso.test"));
        await(() -> writer.writes() == 2);
        var failed = status("a");
        assertThat(failed.reason()).isEqualTo("RecipientUnknown");
        assertThat(failed.consecutiveFailures()).as("written by the 4th probe, the first to fail").isEqualTo(1);

        complete(5, Reports.allAccepted("contoso.test"));
        await(() -> writer.writes() == 3);
        var healed = status("a");
        assertThat(healed.reason()).isEqualTo("Accepted");
        assertThat(healed.history()).extracting(HistoryEntry::reason).containsExactly("Accepted", "RecipientUnknown", "Accepted");
        assertThat(healed.flaps()).isEqualTo(2);
        assertThat(writer.confirmed()).isEqualTo(2);
    }

    /** Off, the default: every probe is written, as before the setting existed. */
    @Test
    void withoutAHeartbeatEveryProbeIsWritten() {
        start(TestConfig.operator());
        create("a", spec -> {
            spec.setDomains(List.of("contoso.test"));
            spec.setInterval("200ms");
        });
        await(() -> operator.statusWriter().writes() >= 5, Duration.ofSeconds(30));
        assertThat(operator.statusWriter().confirmed()).isZero();
        assertThat(status("a").heartbeat()).isNull();
    }

    private void complete(int probe, io.smtpprobe.core.ProbeReport report) {
        await(() -> runner.calls() >= probe, Duration.ofSeconds(10));
        runner.probes.get(probe - 1).complete(report);
    }

    void create(String name, Consumer<SmtpProbeSpec> spec) {
        Probes.create(client, name, spec);
    }

    SmtpProbeStatus status(String name) {
        return Probes.status(client, name);
    }
}
