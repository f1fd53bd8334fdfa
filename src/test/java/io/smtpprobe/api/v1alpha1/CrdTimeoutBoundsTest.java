package io.smtpprobe.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smtpprobe.request.Field;
import io.smtpprobe.testsupport.ControlPlane;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.TestInstance;

/**
 * The committed CRD's CEL rules on the deadlines, on a real kube-apiserver (server-side dry run):
 * each at its maximum is accepted and just above refused, as the one validator does.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrdTimeoutBoundsTest {
    private ControlPlane controlPlane;
    private KubernetesClient client;
    private String lastRefusal;

    @BeforeAll
    void installTheCrd() throws IOException {
        controlPlane = ControlPlane.start();
        client = controlPlane.kubernetesClient();
        CustomResourceDefinition crd = CustomResourceDefinitionTest.load(CustomResourceDefinitionTest.COMMITTED);
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
                        .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 60, TimeUnit.SECONDS);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("timeouts").endMetadata().build()).create();
    }

    @AfterAll
    void stop() {
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @ParameterizedTest(name = "{0} at most {1}")
    @CsvSource({"connect-timeout, 2m, 121s, connect", "command-timeout, 10m, 601s, command", "timeout, 30m, 1801s, total",
            "run-timeout, 1h, 61m, run"})
    void eachDeadlineIsAcceptedAtItsMaximumAndRefusedJustAbove(String key, String max, String above, String specName) {
        Field field = Field.byKey(key);

        assertThat(apiServerAccepts(specName, max)).isTrue();
        assertThat(WireTextAgreementTest.validatorAccepts(field, max)).isTrue();
        assertThat(apiServerAccepts(specName, above)).isFalse();
        assertThat(lastRefusal).contains("spec.timeouts." + specName, specName + " must be at most " + max);
        assertThat(WireTextAgreementTest.validatorAccepts(field, above)).isFalse();
    }

    private boolean apiServerAccepts(String specName, String value) {
        SmtpProbeSpec spec = new SmtpProbeSpec();
        spec.setDomains(List.of("contoso.test"));
        ProbeTimeouts t = new ProbeTimeouts();
        switch (specName) {
            case "connect" -> t.setConnect(value);
            case "command" -> t.setCommand(value);
            case "total" -> t.setTotal(value);
            default -> t.setRun(value);
        }
        spec.setTimeouts(t);
        SmtpProbe probe = new SmtpProbe();
        probe.setMetadata(new ObjectMetaBuilder().withName("bounds").withNamespace("timeouts").build());
        probe.setSpec(spec);
        try {
            client.resources(SmtpProbe.class).inNamespace("timeouts").resource(probe).dryRun().create();
            return true;
        } catch (KubernetesClientException e) {
            assertThat(e.getCode()).as(e.getMessage()).isEqualTo(422);
            lastRefusal = e.getMessage();
            return false;
        }
    }
}
