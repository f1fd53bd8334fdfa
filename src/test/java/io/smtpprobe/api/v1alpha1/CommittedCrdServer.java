package io.smtpprobe.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smtpprobe.testsupport.ControlPlane;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A private kube-apiserver holding the committed CRD, asked by server-side dry run whether it admits a
 * spec: the schema tests compare its answer with the one validator's at each limit.
 */
final class CommittedCrdServer implements AutoCloseable {
    private final ControlPlane controlPlane;
    private final KubernetesClient client;
    private final String namespace;
    private String lastRefusal;

    private CommittedCrdServer(ControlPlane controlPlane, String namespace) {
        this.controlPlane = controlPlane;
        this.client = controlPlane.kubernetesClient();
        this.namespace = namespace;
    }

    static CommittedCrdServer start(String namespace) throws IOException {
        var server = new CommittedCrdServer(ControlPlane.start(), namespace);
        try {
            server.install();
        } catch (RuntimeException | IOException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void install() throws IOException {
        CustomResourceDefinition crd = CustomResourceDefinitionTest.load(CustomResourceDefinitionTest.COMMITTED);
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
                        .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 60, TimeUnit.SECONDS);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
    }

    /** True when the API server admits an SmtpProbe with this spec; a refusal must be a 422 and is kept. */
    boolean accepts(SmtpProbeSpec spec) {
        SmtpProbe probe = new SmtpProbe();
        probe.setMetadata(new ObjectMetaBuilder().withName("dry-run").withNamespace(namespace).build());
        probe.setSpec(spec);
        try {
            client.resources(SmtpProbe.class).inNamespace(namespace).resource(probe).dryRun().create();
            return true;
        } catch (KubernetesClientException e) {
            assertThat(e.getCode()).as(e.getMessage()).isEqualTo(422);
            lastRefusal = e.getMessage();
            return false;
        }
    }

    /** The message of the last refusal. */
    String lastRefusal() {
        return lastRefusal;
    }

    @Override
    public void close() {
        controlPlane.close();
    }
}
