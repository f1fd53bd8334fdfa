package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smtpprobe.core.Credentials;
import io.smtpprobe.testsupport.ControlPlane;
import io.smtpprobe.testsupport.SubmissionPostfix;
import io.smtpprobe.testsupport.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An SmtpProbe with spec.auth.secretRef on the real API server, against a real Postfix with Cyrus SASL:
 * the operator runs as the chart's ServiceAccount with auth.readSecrets on for one watched namespace. The
 * right password is Accepted, a wrong one AuthenticationFailed, and no form of either appears in status,
 * Events or the operator's log.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SubmissionAuthIT {

    private static final String RELEASE = "auth-it";
    private static final String SYSTEM = "auth-it-system";
    private static final String WATCHED = "auth-it";
    private static final Path CHART = Path.of("helm/smtp-probe-operator");
    private static final String USER = "alice";
    private static final String PASSWORD = "Corr3ct-Horse-Battery-e2e";
    private static final String WRONG = "Wr0ng-Horse-Battery-e2e";

    private ControlPlane controlPlane;
    private KubernetesClient client;
    private SubmissionPostfix submission;
    private OperatorProcess operator;

    @BeforeAll
    void start() throws IOException {
        controlPlane = ControlPlane.shared();
        client = controlPlane.kubernetesClient();
        Path certificates = Files.createTempDirectory("auth-it-");
        TestCertificates.writePem(TestCertificates.selfSigned(SubmissionPostfix.HOST_NAME, TestCertificates.KeyType.RSA),
                certificates);
        submission = SubmissionPostfix.start(certificates, "submit.test", USER, PASSWORD, false);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(WATCHED).endMetadata().build())
                .serverSideApply();
        Helm.Result install = new Helm(controlPlane.kubeconfigPath()).run("upgrade", "--install", RELEASE, CHART.toString(),
                "-n", SYSTEM, "--create-namespace", "--set", "auth.readSecrets=true", "--set", "watchNamespaces={" + WATCHED + "}",
                "--set", "leaderElection.leaseName=" + RELEASE);
        assertThat(install.exitCode()).as(install.output()).isZero();
        Path kubeconfig = controlPlane.kubeconfigForServiceAccount(SYSTEM, RELEASE + "-smtp-probe-operator");
        operator = OperatorProcess.start("auth-it", kubeconfig, Map.of(
                "SMTPPROBE_WATCH_NAMESPACES", WATCHED,
                "SMTPPROBE_POLICY_ALLOWED_PORTS", String.valueOf(submission.port()),
                "SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.0/8",
                "SMTPPROBE_LEADER_ELECTION_NAMESPACE", SYSTEM,
                "SMTPPROBE_LEADER_ELECTION_LEASE_NAME", RELEASE));
    }

    @AfterAll
    void stop() {
        if (operator != null) {
            operator.close();
        }
        if (submission != null) {
            submission.close();
        }
    }

    @Test
    @Order(1)
    void theRightPasswordIsAcceptedAndAWrongOneIsAuthenticationFailed() {
        secret("right-login", PASSWORD);
        secret("wrong-login", WRONG);
        probe("right", "right-login");
        probe("wrong", "wrong-login");

        awaitUntil(Duration.ofSeconds(90), () -> !result("right").isEmpty() && !result("wrong").isEmpty(),
                () -> controlPlane.kubectl("get", "smtpprobes", "-n", WATCHED, "-o", "yaml") + operator.log());
        assertThat(result("right")).isEqualTo("Success Accepted");
        assertThat(result("wrong")).isEqualTo("PermanentFailure AuthenticationFailed");
        assertThat(controlPlane.kubectl("get", "smtpprobe", "wrong", "-n", WATCHED, "-o", "jsonpath={.status.message}"))
                .contains("535 5.7.8 Error: authentication failed");
    }

    @Test
    @Order(2)
    void noFormOfEitherPasswordIsVisibleInStatusEventsOrTheOperatorLog() {
        String everything = controlPlane.kubectl("get", "smtpprobes", "-n", WATCHED, "-o", "json")
                + controlPlane.kubectl("get", "events", "-n", WATCHED, "-o", "json") + operator.log();
        assertThat(everything).contains("AuthenticationFailed");
        for (String password : new String[] {PASSWORD, WRONG}) {
            for (String form : new Credentials(USER, password).secretForms()) {
                assertThat(everything).doesNotContain(form);
            }
        }
    }

    @Test
    @Order(3)
    void aMissingSecretIsAuthSecretUnavailable() {
        probe("missing", "no-such-login");

        awaitUntil(Duration.ofSeconds(60), () -> !result("missing").isEmpty(),
                () -> controlPlane.kubectl("get", "smtpprobe", "missing", "-n", WATCHED, "-o", "yaml"));
        assertThat(controlPlane.kubectl("get", "smtpprobe", "missing", "-n", WATCHED, "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].reason} {.status.message}"))
                .isEqualTo("AuthSecretUnavailable Secret " + WATCHED + "/no-such-login not found");
    }

    private void secret(String name, String password) {
        client.secrets().inNamespace(WATCHED).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .withStringData(Map.of("username", USER, "password", password)).build()).serverSideApply();
    }

    private void probe(String name, String secret) {
        String yaml = """
                apiVersion: smtpprobe.io/v1alpha1
                kind: SmtpProbe
                metadata: {name: %s, namespace: %s}
                spec:
                  servers: ["127.0.0.1:%d"]
                  tls: Required
                  insecureSkipVerify: true
                  ehloName: probe.submit.test
                  mailFrom: alice@submit.test
                  rcptTo: ["bob@elsewhere.test"]
                  auth: {secretRef: {name: %s}}
                """.formatted(name, WATCHED, submission.port(), secret);
        try {
            Path file = Files.createTempFile("smtpprobe-", ".yaml");
            Files.writeString(file, yaml);
            controlPlane.kubectl("apply", "-f", file.toString());
            Files.delete(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String result(String name) {
        return controlPlane.kubectl("get", "smtpprobe", name, "-n", WATCHED, "-o",
                "jsonpath={.status.result} {.status.reason}").strip();
    }

    private static void awaitUntil(Duration timeout, Supplier<Boolean> condition, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + timeout + ":\n" + diagnostics.get());
            }
            OperatorProcess.sleep(250);
        }
    }
}
