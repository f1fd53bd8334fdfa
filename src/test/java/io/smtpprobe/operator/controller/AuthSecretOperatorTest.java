package io.smtpprobe.operator.controller;

import static io.smtpprobe.operator.controller.Probes.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.api.v1alpha1.AuthMechanism;
import io.smtpprobe.api.v1alpha1.ProbeAuth;
import io.smtpprobe.api.v1alpha1.SecretReference;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.api.v1alpha1.TlsMode;
import io.smtpprobe.core.Credentials;
import io.smtpprobe.operator.status.Conditions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** spec.auth.secretRef: the Secret is read at probe time into the request only, and every way it can be unusable says so. */
class AuthSecretOperatorTest {
    private static final String NS = Probes.NS;
    private static final String PASSWORD = "s3cret-Passw0rd!";

    @RegisterExtension
    final MockCluster cluster = new MockCluster();
    KubernetesClient client;
    final FakeRunner runner = new FakeRunner();

    @BeforeEach
    void start() {
        client = cluster.client();
    }

    private void startOperator() {
        cluster.operator(client, runner, TestConfig.operator(), new SimpleMeterRegistry());
    }

    private void createProbe(String name, String secret) {
        Probes.create(client, name, spec -> {
            spec.setDomains(List.of("contoso.test"));
            spec.setRcptTo(List.of("bob@fabrikam.test"));
            spec.setTls(TlsMode.Required);
            var auth = new ProbeAuth();
            auth.setSecretRef(new SecretReference(secret));
            auth.setMechanism(AuthMechanism.LOGIN);
            spec.setAuth(auth);
        });
    }

    private void createSecret(String name, Map<String, String> values) {
        var encoded = new java.util.LinkedHashMap<String, String>();
        values.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .endMetadata().withData(encoded).build()).create();
    }

    private SmtpProbeStatus status(String name) {
        return Probes.status(client, name);
    }

    private String everythingStored(String name) {
        var probe = client.resources(io.smtpprobe.api.v1alpha1.SmtpProbe.class).inNamespace(NS).withName(name).get();
        return client.getKubernetesSerialization().asJson(probe) + client.getKubernetesSerialization()
                .asJson(client.v1().events().inNamespace(NS).list());
    }

    private static void assertNoSecretIn(String text) {
        for (String form : new Credentials("alice", PASSWORD).secretForms()) {
            assertThat(text).doesNotContain(form);
        }
    }

    @Test
    void theSecretsLoginGoesIntoTheProbeAndNowhereElse() {
        createSecret("submission", Map.of("username", "alice", "password", PASSWORD));
        startOperator();
        createProbe("a", "submission");

        await(() -> status("a") != null && status("a").result() != null);
        var auth = runner.requests.get(0).options().auth();
        assertThat(auth.credentials()).isEqualTo(new Credentials("alice", PASSWORD));
        assertThat(auth.mechanism()).isEqualTo(io.smtpprobe.core.AuthMechanism.LOGIN);
        assertThat(auth.allowPlaintext()).isFalse();
        assertThat(status("a").reason()).isEqualTo("Accepted");
        assertNoSecretIn(everythingStored("a"));
    }

    @Test
    void aMissingSecretIsAuthSecretUnavailableAndNothingIsProbed() {
        startOperator();
        createProbe("a", "nowhere");

        await(() -> status("a") != null);
        var ready = Conditions.find(status("a").conditions(), "Ready").orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("AuthSecretUnavailable");
        assertThat(status("a").message()).isEqualTo("Secret " + NS + "/nowhere not found");
        assertThat(runner.calls()).isZero();
        await(() -> client.v1().events().inNamespace(NS).list().getItems().stream()
                .anyMatch(e -> "AuthSecretUnavailable".equals(e.getReason())));
    }

    @Test
    void aMissingKeyOrAnUnusableValueIsNamedButNeverQuoted() {
        createSecret("no-password", Map.of("username", "alice"));
        createSecret("bad-password", Map.of("username", "alice", "password", PASSWORD + "\r\nQUIT"));
        startOperator();
        createProbe("a", "no-password");
        createProbe("b", "bad-password");

        await(() -> status("a") != null && status("b") != null);
        assertThat(status("a").message()).isEqualTo("Secret " + NS + "/no-password has no key 'password'");
        assertThat(status("b").reason()).isEqualTo("AuthSecretUnavailable");
        assertThat(status("b").message()).contains("spec.auth.secretRef key password: control character \\x0d at position 16");
        assertNoSecretIn(everythingStored("b"));
        assertThat(runner.calls()).isZero();
    }

    @Test
    void rbacThatForbidsReadingSecretsSaysWhatToGrant() {
        cluster.server().expect().get().withPath("/api/v1/namespaces/" + NS + "/secrets/forbidden").andReturn(403,
                new StatusBuilder().withCode(403).withReason("Forbidden").withMessage("secrets \"forbidden\" is forbidden").build())
                .always();
        startOperator();
        createProbe("a", "forbidden");

        await(() -> status("a") != null);
        assertThat(status("a").reason()).isEqualTo("AuthSecretUnavailable");
        assertThat(status("a").message()).isEqualTo("the operator may not read Secret " + NS + "/forbidden: reading Secrets"
                + " is opt-in (RBAC: get secrets in " + NS + "; the chart's auth.readSecrets=true)");
        assertThat(runner.calls()).isZero();
    }
}
