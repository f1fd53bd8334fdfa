package io.smtpprobe.operator.controller;

import static io.smtpprobe.operator.controller.Probes.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.operator.status.HostileReports;
import io.smtpprobe.operator.status.StatusBudget;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A hostile report against the smallest status budget, through the operator and the (mock) API server. */
class StatusBudgetOperatorTest {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();
    KubernetesClient client;
    final FakeRunner runner = new FakeRunner();

    @BeforeEach
    void client() {
        client = cluster.client();
    }

    @Test
    void aStatusOverItsBudgetIsWrittenTruncatedAndItsLeftOutDomainsRaiseNoEventOnEveryProbe() {
        runner.answer = r -> HostileReports.report(false);
        cluster.operator(client, runner, TestConfig.operator("smtpprobe.status-max-bytes", String.valueOf(StatusBudget.MIN_BYTES)),
                new SimpleMeterRegistry());
        Probes.create(client, "a", spec -> {
            spec.setDomains(List.of("contoso.test"));
            spec.setInterval("200ms");
        });

        await(() -> Probes.status(client, "a") != null && Probes.status(client, "a").consecutiveFailures() != null
                && Probes.status(client, "a").consecutiveFailures() >= 3, Duration.ofSeconds(30));

        var status = Probes.status(client, "a");
        assertThat(status.truncated()).isTrue();
        assertThat(status.truncation()).contains(" of 100 domains");
        assertThat(status.domains()).hasSizeLessThan(HostileReports.MAX_DOMAINS);
        assertThat(new StatusBudget(StatusBudget.MIN_BYTES).size(status)).isLessThanOrEqualTo(StatusBudget.MIN_BYTES);
        assertThat(events()).filteredOn(e -> e.getReason().equals("RecipientUnknown"))
                .as("one per domain when it first failed, not one per probe for each domain the status leaves out")
                .hasSize(HostileReports.MAX_DOMAINS);
    }

    private List<Event> events() {
        return client.v1().events().inNamespace(Probes.NS).list().getItems();
    }
}
