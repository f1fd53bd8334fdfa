package io.smtpprobe.operator.controller;

import io.smtpprobe.operator.status.Timestamps;
import io.smtpprobe.operator.status.Conditions;
import io.smtpprobe.operator.config.OperatorConfig;
import io.smtpprobe.operator.metrics.ProbeMetrics;
import static io.smtpprobe.operator.controller.Probes.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.api.v1alpha1.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SmtpProbeReconcilerTest {
    static final String NS = Probes.NS;

    @RegisterExtension
    final MockCluster cluster = new MockCluster();
    KubernetesClient client;

    final FakeRunner runner = new FakeRunner();
    OperatorConfig config = TestConfig.operator();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OperatorRuntime operator;
    LatestResults results;
    StatusWriter writer;

    @BeforeEach
    void client() {
        client = cluster.client();
    }

    void startOperator() {
        operator = cluster.operator(client, runner, config, registry);
        results = operator.results();
        writer = operator.statusWriter();
    }

    @Test
    void createdResourceGetsStatusFromTheProbe() {
        startOperator();
        create("a", spec -> spec.setDomains(List.of("contoso.test", "fabrikam.test")));

        await(() -> status("a") != null);
        var status = status("a");
        assertThat(status.result()).isEqualTo(Outcome.Success);
        assertThat(status.observedGeneration()).isEqualTo(1L);
        assertThat(status.domains()).extracting(d -> d.domain()).containsExactly("contoso.test", "fabrikam.test");
        assertThat(Conditions.find(status.conditions(), "Ready").orElseThrow().getStatus()).isEqualTo("True");
        assertThat(runner.requests.get(0).domains()).containsExactly("contoso.test", "fabrikam.test");
        assertThat(results.get(ResourceKey.of(NS, "a"))).isPresent();
        assertThat(registry.find(ProbeMetrics.SUCCESS).tag("domain", "contoso.test").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void theStatusWriteOfAProbeIsTimedFromTheProbesEnd() {
        startOperator();
        create("a", spec -> spec.setDomains(List.of("contoso.test")));

        await(() -> status("a") != null && registry.find(ProbeMetrics.STATUS_DELAY).timer() != null);
        var timer = registry.find(ProbeMetrics.STATUS_DELAY).timer();
        assertThat(timer.count()).as("one write for one probe").isEqualTo(1);
        assertThat(timer.totalTime(java.util.concurrent.TimeUnit.SECONDS)).isLessThan(60);
    }

    @Test
    void deletedResourceStopsReportingMetrics() {
        startOperator();
        create("a", spec -> spec.setDomains(List.of("contoso.test")));
        await(() -> registry.find(ProbeMetrics.SUCCESS).tag("name", "a").gauge() != null);

        client.resources(SmtpProbe.class).inNamespace(NS).withName("a").delete();

        await(() -> registry.find(ProbeMetrics.SUCCESS).tag("name", "a").gauge() == null);
        assertThat(registry.find(ProbeMetrics.CONSECUTIVE_FAILURES).tag("name", "a").gauge()).isNull();
        assertThat(results.get(ResourceKey.of(NS, "a"))).isEmpty();
    }

    @Test
    void brokenRunnerIsReportedAsProbeError() {
        runner.answer = r -> {
            throw new IllegalStateException("no resolver configured");
        };
        startOperator();
        create("a", spec -> spec.setDomains(List.of("contoso.test")));

        await(() -> status("a") != null);
        assertThat(status("a").reason()).isEqualTo("ProbeError");
        assertThat(status("a").message()).contains("no resolver configured");
        assertThat(registry.find(ProbeMetrics.PROBES).tag("reason", "ProbeError").counter().count()).isEqualTo(1.0);
    }

    @Test
    void ownStatusWriteDoesNotTriggerAnotherProbe() throws Exception {
        startOperator();
        create("a", spec -> spec.setDomains(List.of("contoso.test")));
        await(() -> status("a") != null);
        Thread.sleep(500);
        assertThat(runner.calls()).isEqualTo(1);
        assertThat(writer.writes()).isEqualTo(1);
    }

    @Test
    void specChangeProbesAgainAtOnce() {
        startOperator();
        create("a", spec -> spec.setDomains(List.of("contoso.test")));
        await(() -> status("a") != null);

        edit("a", p -> p.getSpec().setDomains(List.of("contoso.test", "fabrikam.test")));

        await(() -> runner.calls() == 2);
        assertThat(runner.requests.get(1).domains()).containsExactly("contoso.test", "fabrikam.test");
        await(() -> status("a").observedGeneration() == 2L);
        assertThat(status("a").domains()).hasSize(2);
    }

    @Test
    void failingDomainRecordsAWarningEventOnlyWhenItsResultChanges() {
        runner.answer = r -> Reports.userUnknown("fabrikam.test");
        startOperator();
        create("a", spec -> {
            spec.setDomains(List.of("fabrikam.test"));
            spec.setInterval("200ms");
        });
        await(() -> runner.calls() >= 3);
        await(() -> status("a").consecutiveFailures() >= 3);
        assertThat(status("a").message()).isEqualTo("fabrikam.test: mx1.fabrikam.test (127.0.0.1:25) RCPT 550 5.1.1 User unknown");
        var events = client.v1().events().inNamespace(NS).list().getItems();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getType()).isEqualTo("Warning");
        assertThat(events.get(0).getReason()).isEqualTo("RecipientUnknown");
        await(() -> registry.find(ProbeMetrics.CONSECUTIVE_FAILURES).tag("name", "a").gauge().value()
                == status("a").consecutiveFailures());
    }

    @Test
    void suspendStopsProbingAndSaysSo() throws Exception {
        startOperator();
        create("a", spec -> {
            spec.setDomains(List.of("contoso.test"));
            spec.setInterval("150ms");
        });
        await(() -> runner.calls() >= 2);

        edit("a", p -> p.getSpec().setSuspend(true));
        await(() -> Conditions.find(status("a").conditions(), "Suspended").isPresent());
        int calls = runner.calls();
        Thread.sleep(600);
        assertThat(runner.calls()).isEqualTo(calls);
        assertThat(status("a").nextProbeTime()).isNull();

        edit("a", p -> p.getSpec().setSuspend(false));
        await(() -> runner.calls() > calls);
    }

    @Test
    void deleteCancelsTheProbeInFlight() {
        runner.hold = true;
        startOperator();
        create("a", spec -> spec.setDomains(List.of("contoso.test")));
        await(() -> runner.calls() == 1);

        client.resources(SmtpProbe.class).inNamespace(NS).withName("a").delete();

        await(() -> runner.probes.get(0).isCancelled());
    }

    /** A resource deleted and created again under its name is another object: the old one's probe never writes its status. */
    @Test
    void recreatedResourceIsProbedAfreshAndNeverGetsTheOldResult() throws Exception {
        runner.hold = true;
        startOperator();
        create("a", spec -> spec.setDomains(List.of("old.test")));
        await(() -> runner.calls() == 1);

        client.resources(SmtpProbe.class).inNamespace(NS).withName("a").delete();
        await(() -> client.resources(SmtpProbe.class).inNamespace(NS).withName("a").get() == null);
        create("a", spec -> spec.setDomains(List.of("new.test")));
        await(() -> runner.calls() == 2);
        runner.probes.get(0).complete(Reports.userUnknown("old.test"));
        runner.probes.get(1).complete(Reports.allAccepted("new.test"));

        // The writer counts a write after the API server answered, so the count, not the stored status, says it is done.
        await(() -> writer.writes() == 1);
        Thread.sleep(300);
        assertThat(runner.probes.get(0).isCancelled()).isTrue();
        assertThat(status("a").domains()).extracting(d -> d.domain()).containsExactly("new.test");
        assertThat(writer.writes()).isEqualTo(1);
    }

    @Test
    void conflictOnStatusWriteIsRetriedOnTheFreshObject() {
        cluster.server().expect().put().withPath("/apis/smtpprobe.io/v1alpha1/namespaces/mail/smtpprobes/a/status")
                .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict").withMessage("the object has been modified").build())
                .once();
        startOperator();
        create("a", spec -> spec.setDomains(List.of("contoso.test")));

        await(() -> status("a") != null);
        assertThat(status("a").result()).isEqualTo(Outcome.Success);
        assertThat(writer.conflicts()).isEqualTo(1);
        assertThat(writer.writes()).isEqualTo(1);
    }

    @Test
    void labelEditsAndRepeatedInvalidSpecDoNotRewriteStatus() throws Exception {
        startOperator();
        create("ok", spec -> spec.setDomains(List.of("contoso.test")));
        create("bad", spec -> spec.setDomains(List.of("contoso.test")));
        await(() -> writer.writes() == 2);
        edit("bad", p -> p.getSpec().setMailFrom("a@b.test\r\nDATA"));
        // The writer counts a write after the API server answered, so the count, not the stored status, says it is done.
        await(() -> writer.writes() == 3);
        assertThat(status("bad").reason()).isEqualTo("InvalidSpec");
        long writes = writer.writes();

        for (String name : List.of("ok", "bad")) {
            edit(name, p -> p.getMetadata().setLabels(java.util.Map.of("team", "mail")));
        }
        Thread.sleep(500);
        assertThat(writer.writes()).isEqualTo(writes);
        assertThat(runner.calls()).isEqualTo(2);
    }

    @Test
    void invalidSpecIsReportedInTheReadyCondition() {
        startOperator();
        create("a", spec -> {
            spec.setDomains(List.of("contoso.test"));
            spec.setInterval("10ms");
        });

        await(() -> status("a") != null);
        var ready = Conditions.find(status("a").conditions(), "Ready").orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("InvalidSpec");
        assertThat(ready.getMessage()).contains("spec.interval: 10ms is shorter than the minimum");
        assertThat(runner.calls()).isZero();
    }

    @Test
    void globalLimitCapsProbesInFlight() throws Exception {
        config = TestConfig.operator("smtpprobe.max-concurrent-probes", "1");
        runner.hold = true;
        startOperator();
        create("a", spec -> spec.setDomains(List.of("a.test")));
        create("b", spec -> spec.setDomains(List.of("b.test")));
        await(() -> runner.calls() == 1);
        Thread.sleep(300);
        assertThat(runner.calls()).isEqualTo(1);

        runner.probes.get(0).complete(Reports.allAccepted(runner.requests.get(0).domains().get(0)));
        await(() -> runner.calls() == 2);
    }

    /** The API server takes 2.5 s to answer each first status write, then fails it; the retry goes through. */
    @Test
    void statusWritesStuckAtTheApiServerDoNotHoldUpProbesOrShiftTheirTimes() {
        for (String name : List.of("a", "b", "c")) {
            cluster.server().expect().put().delay(2500, TimeUnit.MILLISECONDS)
                    .withPath("/apis/smtpprobe.io/v1alpha1/namespaces/mail/smtpprobes/" + name + "/status")
                    .andReturn(503, new StatusBuilder().withCode(503).withReason("ServiceUnavailable").build())
                    .once();
        }
        startOperator();
        create("a", spec -> spec.setDomains(List.of("a.test")));
        create("b", spec -> spec.setDomains(List.of("b.test")));
        create("c", spec -> spec.setDomains(List.of("c.test")));

        await(() -> runner.calls() == 3);
        assertThat(status("a")).isNull();
        await(() -> status("a") != null && status("b") != null && status("c") != null);
        var written = Instant.now();
        // lastProbeTime is when the probe ended, not when its write finally went through
        assertThat(Timestamps.parse(status("a").lastProbeTime())).isBefore(written.minusSeconds(1));
    }

    void create(String name, Consumer<SmtpProbeSpec> spec) {
        Probes.create(client, name, spec);
    }

    void edit(String name, Consumer<SmtpProbe> change) {
        Probes.edit(client, name, change);
    }

    SmtpProbeStatus status(String name) {
        return Probes.status(client, name);
    }
}
