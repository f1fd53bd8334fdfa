package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smtpprobe.testsupport.ControlPlane;

/** The control plane the e2e tier depends on really serves the Kubernetes API, RBAC included. */
@Tag("e2e")
class ControlPlaneSmokeTest {

    @Test
    void servesNamespacesCustomResourcesAndKubectlUntilClosed() {
        ControlPlane controlPlane = ControlPlane.start();
        try (controlPlane) {
            KubernetesClient client = controlPlane.kubernetesClient();
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smoke").endMetadata()
                    .build()).create();

            client.apiextensions().v1().customResourceDefinitions().resource(widgetDefinition()).create();
            client.apiextensions().v1().customResourceDefinitions().withName("widgets.smoke.smtpprobe.test")
                    .waitUntilCondition(ControlPlaneSmokeTest::established, 30, TimeUnit.SECONDS);

            assertThat(controlPlane.kubectl("get", "ns", "-o", "name")).contains("namespace/smoke");
            assertThat(controlPlane.kubectl("get", "widgets", "-n", "smoke")).isEmpty();
        }
        assertThat(controlPlane.isRunning()).isFalse();
    }

    @Test
    void serviceAccountKubeconfigIsBoundByRbac() {
        ControlPlane controlPlane = ControlPlane.shared();
        KubernetesClient admin = controlPlane.kubernetesClient();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("rbac-smoke").endMetadata()
                .build()).create();
        admin.serviceAccounts().inNamespace("rbac-smoke").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("reader").endMetadata().build()).create();
        admin.rbac().roles().inNamespace("rbac-smoke").resource(new RoleBuilder().withNewMetadata()
                .withName("configmap-reader").endMetadata()
                .addNewRule().withApiGroups("").withResources("configmaps").withVerbs("get", "list").endRule()
                .build()).create();
        admin.rbac().roleBindings().inNamespace("rbac-smoke").resource(new RoleBindingBuilder().withNewMetadata()
                .withName("reader-reads-configmaps").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
                .withName("configmap-reader").endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName("reader").withNamespace("rbac-smoke").endSubject()
                .build()).create();

        Path kubeconfig = controlPlane.kubeconfigForServiceAccount("rbac-smoke", "reader");
        try (KubernetesClient reader = ControlPlane.clientFor(kubeconfig)) {
            assertThat(reader.configMaps().inNamespace("rbac-smoke").list().getItems()).isNotNull();
            assertThatThrownBy(() -> reader.secrets().inNamespace("rbac-smoke").list())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        }
        assertThat(controlPlane.kubectlWith(kubeconfig, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"))
                .isEqualTo("system:serviceaccount:rbac-smoke:reader");
    }

    private static boolean established(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static CustomResourceDefinition widgetDefinition() {
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("widgets.smoke.smtpprobe.test").endMetadata()
                .withNewSpec()
                .withGroup("smoke.smtpprobe.test")
                .withScope("Namespaced")
                .withNewNames().withKind("Widget").withPlural("widgets").withSingular("widget").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true)
                .withNewSchema().withNewOpenAPIV3Schema().withType("object")
                .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
                .endVersion()
                .endSpec()
                .build();
    }
}
