package io.smtpprobe.operator.controller;

import static io.smtpprobe.operator.controller.Probes.NS;
import static io.smtpprobe.operator.controller.Probes.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.operator.status.Conditions;
import io.smtpprobe.operator.status.SmtpProbeStatusAggregator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TrimmedProbeStoreTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    private final SmtpProbeStatusAggregator aggregator = new SmtpProbeStatusAggregator(Clock.fixed(T0, ZoneOffset.UTC));

    @Test
    void theCachedCopyHasNoManagedFieldsNorLastAppliedAndKeepsEverythingTheOperatorReads() {
        var stored = asTheApiServerReturnsIt("a", healthyStatusWithTenProbes());

        var cached = TrimmedProbeStore.trimmed(stored);

        assertThat(cached.getMetadata().getManagedFields()).isEmpty();
        assertThat(cached.getMetadata().getAnnotations()).containsOnlyKeys("team");
        assertThat(cached.getMetadata()).usingRecursiveComparison()
                .ignoringFields("managedFields", "annotations").isEqualTo(stored.getMetadata());
        assertThat(cached.getSpec()).isSameAs(stored.getSpec());
        assertThat(cached.getStatus()).isSameAs(stored.getStatus());
        assertThat(cached.getStatus().history()).hasSize(10);
        assertThat(cached.getApiVersion()).isEqualTo(stored.getApiVersion());
        assertThat(cached.getKind()).isEqualTo("SmtpProbe");
    }

    @Test
    void theInformersObjectIsLeftAsItWas() {
        var stored = asTheApiServerReturnsIt("a", healthyStatusWithTenProbes());

        TrimmedProbeStore.trimmed(stored);

        assertThat(stored.getMetadata().getManagedFields()).hasSize(2);
        assertThat(stored.getMetadata().getAnnotations()).containsOnlyKeys("team", TrimmedProbeStore.LAST_APPLIED);
    }

    @Test
    void theStoreHoldsTheTrimmedCopyUnderTheInformersKey() {
        var store = new TrimmedProbeStore();
        var stored = asTheApiServerReturnsIt("a", healthyStatusWithTenProbes());

        store.put(store.getKey(stored), stored);

        assertThat(store.getKey(stored)).isEqualTo(NS + "/a");
        assertThat(store.get(NS + "/a").getMetadata().getManagedFields()).isEmpty();
        assertThat(store.values()).hasSize(1);
        assertThat(store.remove(NS + "/a").getMetadata().getName()).isEqualTo("a");
        assertThat(store.size()).isZero();
    }

    @Test
    void oneStorePerOperatorUnlessSeveralNamespacesShareIt() {
        assertThat(TrimmedProbeStore.forNamespaces(Optional.empty())).isPresent();
        assertThat(TrimmedProbeStore.forNamespaces(Optional.of(List.of()))).isPresent();
        assertThat(TrimmedProbeStore.forNamespaces(Optional.of(List.of("mail")))).isPresent();
        // the SDK hands one store to every namespace's informer, and a relist in one would empty the others
        assertThat(TrimmedProbeStore.forNamespaces(Optional.of(List.of("mail", "relay")))).isEmpty();
    }

    @Test
    void anUnchangedWriteWithoutAProbeIsStillSkippedOnTheTrimmedObject() {
        KubernetesClient client = cluster.client();
        var writer = new StatusWriter(client);
        var invalid = aggregator.invalid("spec.port: must be within 1..65535", healthyStatusWithTenProbes(), 1);
        var cached = TrimmedProbeStore.trimmed(created(client, "a", invalid));

        var again = aggregator.invalid("spec.port: must be within 1..65535", cached.getStatus(), 1);

        assertThat(writer.write(cached, again, false)).isEqualTo(WriteOutcome.Unchanged);
        assertThat(writer.writes()).isZero();
    }

    @Test
    void aChangedWriteWithoutAProbeStillWritesAndLosesNothingOfTheStoredStatus() {
        KubernetesClient client = cluster.client();
        var writer = new StatusWriter(client);
        var healthy = healthyStatusWithTenProbes();
        var cached = TrimmedProbeStore.trimmed(created(client, "a", healthy));

        var suspended = aggregator.suspended(cached.getStatus(), 2);

        assertThat(writer.write(cached, suspended, false)).isEqualTo(WriteOutcome.Written);
        var written = Probes.status(client, "a");
        assertThat(written.history()).isEqualTo(healthy.history());
        assertThat(written.domains()).isEqualTo(healthy.domains());
        assertThat(written.lastSuccessTime()).isEqualTo(healthy.lastSuccessTime());
        assertThat(Conditions.find(written.conditions(), Conditions.READY).orElseThrow().getLastTransitionTime())
                .isEqualTo(Conditions.find(healthy.conditions(), Conditions.READY).orElseThrow().getLastTransitionTime());
        assertThat(Conditions.find(written.conditions(), Conditions.SUSPENDED)).isPresent();
    }

    @Test
    void theOperatorsCacheHoldsTrimmedObjectsAndStillWritesOncePerProbe() throws Exception {
        KubernetesClient client = cluster.client();
        var runner = new FakeRunner();
        var operator = cluster.operator(client, runner, TestConfig.operator(), new SimpleMeterRegistry());
        var probe = asTheApiServerReturnsIt("a", null);
        probe.getMetadata().setResourceVersion(null);
        probe.getMetadata().setUid(null);
        client.resources(SmtpProbe.class).inNamespace(NS).resource(probe).create();

        await(() -> Probes.status(client, "a") != null
                && operator.get(ResourceKey.of(NS, "a")).map(p -> p.getStatus() != null).orElse(false));
        Thread.sleep(500);

        var cached = operator.get(ResourceKey.of(NS, "a")).orElseThrow();
        assertThat(cached.getMetadata().getManagedFields()).isEmpty();
        assertThat(cached.getMetadata().getAnnotations()).containsOnlyKeys("team");
        assertThat(cached.getStatus()).isEqualTo(Probes.status(client, "a"));
        assertThat(runner.calls()).isEqualTo(1);
        assertThat(operator.statusWriter().writes()).isEqualTo(1);
    }

    /** A probe healthy for ten cycles, as the operator would have written it. */
    private SmtpProbeStatus healthyStatusWithTenProbes() {
        SmtpProbeStatus status = null;
        for (int i = 0; i < 10; i++) {
            status = aggregator.probed(Reports.allAccepted("contoso.test"), status, 1, T0.plus(Duration.ofMinutes(i)),
                    Duration.ofMinutes(1));
        }
        return status;
    }

    private static SmtpProbe created(KubernetesClient client, String name, SmtpProbeStatus status) {
        var probe = asTheApiServerReturnsIt(name, null);
        probe.getMetadata().setResourceVersion(null);
        probe.getMetadata().setUid(null);
        var made = client.resources(SmtpProbe.class).inNamespace(NS).resource(probe).create();
        made.setStatus(status);
        var written = client.resources(SmtpProbe.class).inNamespace(NS).resource(made).updateStatus();
        // the fake API server keeps no field managers: add them as a real one returns them
        written.getMetadata().setManagedFields(probe.getMetadata().getManagedFields());
        return written;
    }

    /** With the field managers of kubectl apply and of the operator's status writes, and kubectl's annotation. */
    private static SmtpProbe asTheApiServerReturnsIt(String name, SmtpProbeStatus status) {
        var spec = new SmtpProbeSpec();
        spec.setDomains(List.of("contoso.test"));
        spec.setInterval("60s");
        var annotations = new LinkedHashMap<String, String>();
        annotations.put("team", "mail");
        annotations.put(TrimmedProbeStore.LAST_APPLIED, "{\"apiVersion\":\"smtpprobe.io/v1alpha1\",\"kind\":\"SmtpProbe\","
                + "\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"domains\":[\"contoso.test\"],\"interval\":\"60s\"}}");
        var probe = new SmtpProbe();
        probe.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).withUid("uid-" + name)
                .withResourceVersion("42").withGeneration(1L).withCreationTimestamp("2026-12-01T09:00:00Z")
                .withLabels(Map.of("tier", "edge")).withAnnotations(annotations).withFinalizers(List.of())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Service").withName("mx")
                        .withUid("uid-mx").build())
                .withManagedFields(managed("kubectl-client-side-apply", "Update", null,
                                Map.of("f:spec", Map.of("f:domains", Map.of(), "f:interval", Map.of()))),
                        managed("smtp-probe-operator", "Update", "status",
                                Map.of("f:status", Map.of("f:history", Map.of(), "f:conditions", Map.of()))))
                .build());
        probe.setSpec(spec);
        probe.setStatus(status);
        return probe;
    }

    private static ManagedFieldsEntry managed(String manager, String operation, String subresource, Map<String, Object> fields) {
        var entry = new ManagedFieldsEntry();
        entry.setManager(manager);
        entry.setOperation(operation);
        entry.setSubresource(subresource);
        entry.setApiVersion("smtpprobe.io/v1alpha1");
        entry.setFieldsType("FieldsV1");
        var fieldsV1 = new FieldsV1();
        fields.forEach(fieldsV1::setAdditionalProperty);
        entry.setFieldsV1(fieldsV1);
        entry.setTime("2026-12-01T09:00:00Z");
        return entry;
    }
}
