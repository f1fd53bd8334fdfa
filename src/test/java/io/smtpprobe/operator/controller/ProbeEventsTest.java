package io.smtpprobe.operator.controller;

import static io.smtpprobe.operator.controller.Probes.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.operator.status.Conditions;
import io.smtpprobe.operator.status.Diagnoses;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The diagnosis Events as the operator records them against the (mock) API server: once per change. */
class ProbeEventsTest {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();
    KubernetesClient client;
    final FakeRunner runner = new FakeRunner();

    @BeforeEach
    void client() {
        client = cluster.client();
    }

    @Test
    void backupMxDisagreementIsOneWarningBesideTheVerdictsOwnAcrossManyProbes() {
        runner.answer = r -> Diagnoses.backupAcceptsRejected("fabrikam.test");
        cluster.operator(client, runner, TestConfig.operator(), new SimpleMeterRegistry());
        Probes.create(client, "a", spec -> {
            spec.setDomains(List.of("fabrikam.test"));
            spec.setInterval("200ms");
        });

        await(() -> runner.calls() >= 3 && Probes.status(client, "a").consecutiveFailures() >= 3);

        var status = Probes.status(client, "a");
        assertThat(Conditions.find(status.conditions(), Conditions.MX_CONSISTENT).orElseThrow().getStatus()).isEqualTo("False");
        assertThat(events()).extracting(Event::getType, Event::getReason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("Warning", "RecipientUnknown"),
                org.assertj.core.groups.Tuple.tuple("Warning", "BackupMxAcceptsRejected"));
    }

    @Test
    void aNewCertificateIsOneNormalEventAndAnExpiringOneOneWarning() {
        var calls = new AtomicInteger();
        Instant soon = Instant.now().plus(Duration.ofDays(5));
        Instant later = Instant.now().plus(Duration.ofDays(90));
        runner.answer = r -> calls.incrementAndGet() <= 2
                ? Diagnoses.acceptedOverTls("contoso.test", soon, Diagnoses.FINGERPRINT_A)
                : Diagnoses.acceptedOverTls("contoso.test", later, Diagnoses.FINGERPRINT_B);
        cluster.operator(client, runner, TestConfig.operator(), new SimpleMeterRegistry());
        Probes.create(client, "a", spec -> {
            spec.setDomains(List.of("contoso.test"));
            spec.setInterval("200ms");
        });

        await(() -> runner.calls() >= 5 && events().size() >= 4);
        Probes.sleep(300);

        assertThat(events()).extracting(Event::getType, Event::getReason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("Normal", "Accepted"),
                org.assertj.core.groups.Tuple.tuple("Warning", "CertificateExpiringSoon"),
                org.assertj.core.groups.Tuple.tuple("Normal", "CertificatesNotExpiringSoon"),
                org.assertj.core.groups.Tuple.tuple("Normal", "CertificateChanged"));
        assertThat(events()).filteredOn(e -> e.getReason().equals("CertificateChanged")).singleElement()
                .extracting(Event::getMessage).asString()
                .startsWith("mx1.contoso.test:25 certificate changed: aa11aa11aa11aa11 → bb22bb22bb22bb22, notAfter ");
    }

    private List<Event> events() {
        return client.v1().events().inNamespace(Probes.NS).list().getItems();
    }
}
