package io.smtpprobe.operator.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import java.io.FileInputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The discovery controller against fabric8's CRUD mock API server: what it creates, overwrites, deletes and leaves alone. */
class DiscoveryControllerTest {
    private static final String NS = "mailns";

    private KubernetesMockServer server;
    private KubernetesClient client;
    private DiscoveryController controller;
    private final AtomicBoolean crdInstalled = new AtomicBoolean(false);

    @BeforeEach
    void startApiServer() throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesMixedDispatcher(new HashMap<>()), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        try (var in = new FileInputStream("crds/smtpprobes.smtpprobe.io-v1.yml")) {
            client.apiextensions().v1().customResourceDefinitions().load(in).create();
        }
        client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("dnsendpoints.externaldns.k8s.io").endMetadata()
                .withNewSpec().withGroup("externaldns.k8s.io").withScope("Namespaced")
                .withNewNames().withKind("DNSEndpoint").withPlural("dnsendpoints").withSingular("dnsendpoint").endNames()
                .addNewVersion().withName("v1alpha1").withServed(true).withStorage(true).endVersion()
                .endSpec().build()).create();
        controller = new DiscoveryController(client, config(), List.of(), crdInstalled::get);
        controller.start();
    }

    @AfterEach
    void stop() {
        controller.close();
        client.close();
        server.destroy();
    }

    @Test
    void annotatedServiceGetsAnOwnedProbeThatFollowsItsAnnotationsAndGoesWhenTheyDo() {
        Service service = client.resource(ServiceProbesTest.service(Map.of("smtpprobe.io/probe", "true",
                "smtpprobe.io/domain", "contoso.test"), null, 25)).create();

        SmtpProbe probe = await(() -> probe("mail-smtp"));
        assertThat(probe.getSpec().getServers()).containsExactly("mail.mailns.svc.cluster.test:25");
        assertThat(probe.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(r -> assertThat(r.getUid()).isEqualTo(service.getMetadata().getUid()));

        client.services().inNamespace(NS).withName("mail").edit(s -> {
            s.getMetadata().getAnnotations().put("smtpprobe.io/interval", "1m");
            return s;
        });
        await(() -> probe("mail-smtp").filter(p -> "1m".equals(p.getSpec().getInterval())));

        client.services().inNamespace(NS).withName("mail").edit(s -> {
            s.getMetadata().getAnnotations().remove("smtpprobe.io/probe");
            return s;
        });
        awaitTrue(() -> probe("mail-smtp").isEmpty());
    }

    @Test
    void handEditsOfAGeneratedProbeAreOverwrittenAndADeletedOneComesBack() {
        client.resource(ServiceProbesTest.service(Map.of("smtpprobe.io/probe", "true",
                "smtpprobe.io/domain", "contoso.test"), null, 25)).create();
        await(() -> probe("mail-smtp"));

        client.resources(SmtpProbe.class).inNamespace(NS).withName("mail-smtp").edit(p -> {
            p.getSpec().setSuspend(true);
            p.getSpec().setRcptTo(List.of("someone@contoso.test"));
            p.getMetadata().setGeneration(Optional.ofNullable(p.getMetadata().getGeneration()).orElse(1L) + 1);
            return p;
        });
        await(() -> probe("mail-smtp").filter(p -> Boolean.FALSE.equals(p.getSpec().getSuspend()) && p.getSpec().getRcptTo() == null));

        client.resources(SmtpProbe.class).inNamespace(NS).withName("mail-smtp").delete();
        await(() -> probe("mail-smtp"));
    }

    @Test
    void aHandWrittenProbeOfTheSameNameIsLeftAlone() {
        var mine = new SmtpProbe();
        mine.getMetadata().setName("mail-smtp");
        mine.getMetadata().setNamespace(NS);
        var spec = new SmtpProbeSpec();
        spec.setDomains(List.of("mine.test"));
        mine.setSpec(spec);
        client.resource(mine).create();

        client.resource(ServiceProbesTest.service(Map.of("smtpprobe.io/probe", "true",
                "smtpprobe.io/domain", "contoso.test"), null, 25)).create();
        sleep(Duration.ofSeconds(1));

        SmtpProbe stored = probe("mail-smtp").orElseThrow();
        assertThat(stored.getSpec().getDomains()).containsExactly("mine.test");
        assertThat(stored.getMetadata().getOwnerReferences()).isEmpty();
    }

    @Test
    void dnsEndpointsAreWatchedOnceTheirCrdAppearsAndEachMxDomainGetsAProbe() {
        client.resource(DnsEndpointProbesTest.endpoint("""
                apiVersion: externaldns.k8s.io/v1alpha1
                kind: DNSEndpoint
                metadata: {name: mail, namespace: mailns}
                spec:
                  endpoints:
                  - {dnsName: contoso.test, recordType: MX, targets: ["10 mx.contoso.test"]}
                  - {dnsName: fabrikam.test, recordType: MX, targets: ["10 mx.fabrikam.test"]}
                """)).create();
        sleep(Duration.ofMillis(500));
        assertThat(controller.watchesDnsEndpoints()).isFalse();
        assertThat(probe("mail-contoso-test")).isEmpty();

        crdInstalled.set(true);
        SmtpProbe contoso = await(() -> probe("mail-contoso-test"));
        await(() -> probe("mail-fabrikam-test"));
        assertThat(contoso.getSpec().getDomains()).containsExactly("contoso.test");

        client.genericKubernetesResources("externaldns.k8s.io/v1alpha1", "DNSEndpoint").inNamespace(NS).withName("mail")
                .edit(e -> {
                    @SuppressWarnings("unchecked")
                    var endpoints = (List<Object>) ((Map<String, Object>) e.getAdditionalProperties().get("spec")).get("endpoints");
                    endpoints.remove(1);
                    return e;
                });
        awaitTrue(() -> probe("mail-fabrikam-test").isEmpty());
        assertThat(probe("mail-contoso-test")).isPresent();
    }

    private Optional<SmtpProbe> probe(String name) {
        return Optional.ofNullable(client.resources(SmtpProbe.class).inNamespace(NS).withName(name).get());
    }

    private static DiscoveryConfig config() {
        return new DiscoveryConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public boolean services() {
                return true;
            }

            @Override
            public boolean dnsEndpoints() {
                return true;
            }

            @Override
            public String clusterDomain() {
                return "cluster.test";
            }

            @Override
            public Duration crdCheckInterval() {
                return Duration.ofMillis(200);
            }
        };
    }

    private static <T> T await(Supplier<Optional<T>> value) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            var v = value.get();
            if (v.isPresent()) {
                return v.get();
            }
            sleep(Duration.ofMillis(50));
        }
        throw new AssertionError("not within 10 s");
    }

    private static void awaitTrue(Supplier<Boolean> condition) {
        await(() -> condition.get() ? Optional.of(true) : Optional.empty());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
