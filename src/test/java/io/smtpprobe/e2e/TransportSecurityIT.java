package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.smtpprobe.engine.dane.Tlsa;
import io.smtpprobe.engine.dane.TlsaMatcher;
import io.smtpprobe.testsupport.ControlPlane;
import io.smtpprobe.testsupport.Nginx;
import io.smtpprobe.testsupport.Nsd;
import io.smtpprobe.testsupport.Nsd.Signing;
import io.smtpprobe.testsupport.Postfix;
import io.smtpprobe.testsupport.TestCertificates;
import io.smtpprobe.testsupport.TestCertificates.Issued;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Transport security in {@code .status} on the real API server, from the packaged operator with the
 * chart's RBAC: NSD serves a DNSSEC-signed {@code dane.test} (MX, A, TLSA, the {@code _mta-sts} TXT),
 * trusted through {@code SMTPPROBE_DANE_TRUST_ANCHORS}; nginx serves an MTA-STS policy with a test-CA
 * certificate trusted through {@code SMTPPROBE_STS_CA_FILE}; a real Postfix with STARTTLS is every MX.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransportSecurityIT {
    private static final String RELEASE = "tls-it";
    private static final String SYSTEM = "tls-it-system";
    private static final String WATCHED = "tls-it";
    private static final Path CHART = Path.of("helm/smtp-probe-operator");

    private ControlPlane controlPlane;
    private Postfix postfix;
    private Nginx https;
    private Nsd nsd;
    private OperatorProcess operator;

    @BeforeAll
    void start() throws IOException {
        Issued ca = TestCertificates.authority("Transport Security IT CA");
        Instant now = Instant.now();
        Issued server = TestCertificates.server(ca, "*.dane.test", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(90)), TestCertificates.KeyType.RSA);
        Path files = Files.createTempDirectory("tls-it-");
        Path tls = Files.createDirectories(files.resolve("tls"));
        TestCertificates.writePem(server, tls);
        postfix = Postfix.builder().myhostname("mx.dane.test").startTls(tls.resolve("cert.pem"), tls.resolve("key.pem"))
                .catchAllDomain("ee.dane.test").catchAllDomain("mismatch.dane.test").start();
        https = Nginx.builder()
                .policy("mta-sts.mismatch.dane.test", TestCertificates.server(ca, "mta-sts.mismatch.dane.test",
                                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)), TestCertificates.KeyType.RSA),
                        "version: STSv1\r\nmode: enforce\r\nmx: mx.elsewhere.test\r\nmax_age: 86400\r\n")
                .start();
        String tlsaAt = "_" + postfix.port() + "._tcp.";
        Tlsa eeRecord = TlsaMatcher.recordFor(3, 1, 1, server.certificate());
        nsd = Nsd.builder().zone("dane.test", Signing.SIGNED,
                        "ee MX 10 mx-ee", "mx-ee A 127.0.0.1",
                        tlsaAt + "mx-ee TLSA 3 1 1 " + HexFormat.of().formatHex(eeRecord.data()),
                        "mismatch MX 10 mx-mismatch", "mx-mismatch A 127.0.0.1",
                        "_mta-sts.mismatch TXT \"v=STSv1; id=it1\"", "mta-sts.mismatch A 127.0.0.1")
                .start();
        Path anchors = Files.writeString(files.resolve("anchors.ds"), nsd.trustAnchor() + "\n");
        Path caDir = Files.createDirectories(files.resolve("ca"));
        TestCertificates.writePem(ca, caDir);

        controlPlane = ControlPlane.shared();
        controlPlane.kubernetesClient().namespaces()
                .resource(new NamespaceBuilder().withNewMetadata().withName(WATCHED).endMetadata().build()).serverSideApply();
        Helm.Result install = new Helm(controlPlane.kubeconfigPath()).run("upgrade", "--install", RELEASE, CHART.toString(),
                "-n", SYSTEM, "--create-namespace", "--set", "watchNamespaces={" + WATCHED + "}",
                "--set", "leaderElection.leaseName=" + RELEASE);
        assertThat(install.exitCode()).as(install.output()).isZero();
        Path kubeconfig = controlPlane.kubeconfigForServiceAccount(SYSTEM, RELEASE + "-smtp-probe-operator");
        operator = OperatorProcess.start("tls-it", kubeconfig, Map.of(
                "SMTPPROBE_WATCH_NAMESPACES", WATCHED,
                "SMTPPROBE_DNS_SERVERS", nsd.endpoint(),
                "SMTPPROBE_DANE_TRUST_ANCHORS", anchors.toString(),
                "SMTPPROBE_STS_CA_FILE", caDir.resolve("cert.pem").toString(),
                "SMTPPROBE_STS_HTTPS_PORT", String.valueOf(https.port()),
                "SMTPPROBE_POLICY_ALLOWED_PORTS", postfix.port() + "," + https.port(),
                "SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.0/8",
                "SMTPPROBE_LEADER_ELECTION_NAMESPACE", SYSTEM,
                "SMTPPROBE_LEADER_ELECTION_LEASE_NAME", RELEASE));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {operator, postfix, https, nsd}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
    }

    @Test
    void aMatchingDaneRecordIsTlsaSuccessAndTransportSecure() {
        probe("dane-match", "ee.dane.test");

        awaitResult("dane-match");
        assertThat(get("dane-match", "{.status.result} {.status.reason}")).isEqualTo("Success Accepted");
        assertThat(get("dane-match", "{.status.domains[0].transportSecurity.policyType} "
                + "{.status.domains[0].transportSecurity.result}")).isEqualTo("tlsa success");
        assertThat(condition("dane-match")).isEqualTo("True TransportPolicyMet");
    }

    @Test
    void anEnforcedMtaStsPolicyNamingAnotherMxFailsTheDomain() {
        probe("sts-mismatch", "mismatch.dane.test");

        awaitResult("sts-mismatch");
        assertThat(get("sts-mismatch", "{.status.result} {.status.reason}")).isEqualTo("PermanentFailure MtaStsMxMismatch");
        assertThat(get("sts-mismatch", "{.status.domains[0].transportSecurity.policyType} "
                + "{.status.domains[0].transportSecurity.mode} {.status.domains[0].transportSecurity.result} "
                + "{.status.domains[0].transportSecurity.failingMx[0]} {.status.domains[0].transportSecurity.enforced}"))
                .isEqualTo("sts enforce validation-failure mx-mismatch.dane.test true");
        assertThat(condition("sts-mismatch")).isEqualTo("False TransportPolicyFailed");
        assertThat(https.accessLog()).anyMatch(line -> line.startsWith("mta-sts.mismatch.dane.test "));
    }

    private void probe(String name, String domain) {
        String yaml = """
                apiVersion: smtpprobe.io/v1alpha1
                kind: SmtpProbe
                metadata: {name: %s, namespace: %s}
                spec:
                  domains: ["%s"]
                  port: %d
                """.formatted(name, WATCHED, domain, postfix.port());
        try {
            Path file = Files.createTempFile("smtpprobe-", ".yaml");
            Files.writeString(file, yaml);
            controlPlane.kubectl("apply", "-f", file.toString());
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitResult(String name) {
        awaitUntil(Duration.ofSeconds(120), () -> !get(name, "{.status.result}").isEmpty(),
                () -> controlPlane.kubectl("get", "smtpprobe", name, "-n", WATCHED, "-o", "yaml") + operator.log()
                        + "\nnsd: " + nsd.log());
    }

    private String condition(String name) {
        return get(name, "{.status.conditions[?(@.type==\"TransportSecure\")].status} "
                + "{.status.conditions[?(@.type==\"TransportSecure\")].reason}");
    }

    private String get(String name, String jsonPath) {
        return controlPlane.kubectl("get", "smtpprobe", name, "-n", WATCHED, "-o", "jsonpath=" + jsonPath).strip();
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
