package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.testsupport.ControlPlane;
import io.smtpprobe.testsupport.Dnsmasq;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * Probes that create themselves, on a real kube-apiserver: the chart installed with {@code discovery.enabled}
 * for one namespace, the packaged operator running as its ServiceAccount, an annotated Service and an external-dns
 * DNSEndpoint (its CRD installed only after the operator started) each get a generated SmtpProbe that probes a
 * real MTA on loopback (Postfix's smtp-sink on port 25), a hand edit is overwritten, and deleting the owner deletes
 * the probe through kube-controller-manager's garbage collector (the test control plane has no controllers of its
 * own, so this test runs that one).
 *
 * <p>The Service is reached at {@code mail.discovery-it.svc.cluster.test}, which dnsmasq resolves to the MTA's
 * loopback address as a cluster's DNS would resolve {@code .svc.cluster.local} to the Service's clusterIP.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiscoveryIT {
    private static final String NAMESPACE = "discovery-it";
    private static final String RELEASE_NAMESPACE = "discovery-system";
    private static final String RELEASE = "discovery";
    private static final String SERVICE_ACCOUNT = "discovery-smtp-probe-operator";
    private static final String MTA_ADDRESS = "127.0.0.41";
    private static final int SMTP_PORT = 25;
    private static final Path CHART = Path.of("helm/smtp-probe-operator");
    private static final Path CRDS = Path.of("crds");

    private ControlPlane controlPlane;
    private Process sink;
    private Dnsmasq dns;
    private GarbageCollector garbageCollector;
    private OperatorProcess operator;
    private Path scratch;

    @BeforeAll
    void startMailWorldChartAndOperator() throws IOException {
        controlPlane = ControlPlane.shared();
        scratch = Files.createTempDirectory("discovery-it-");
        sink = startSink();
        dns = Dnsmasq.builder()
                .host("mail." + NAMESPACE + ".svc.cluster.test", MTA_ADDRESS)
                .mx("disco.test", "mx.disco.test", 10).host("mx.disco.test", MTA_ADDRESS)
                .start();
        garbageCollector = GarbageCollector.start(controlPlane);

        controlPlane.kubectl("apply", "--server-side", "--force-conflicts", "-f", CRDS.toString());
        controlPlane.kubectl("wait", "--for=condition=Established", "--timeout=30s", "crd/smtpprobes.smtpprobe.io");
        controlPlane.kubectl("create", "namespace", NAMESPACE);
        Helm helm = new Helm(controlPlane.kubeconfigPath());
        Helm.Result install = helm.run("install", RELEASE, CHART.toString(), "-n", RELEASE_NAMESPACE, "--create-namespace",
                "--set", "discovery.enabled=true", "--set", "discovery.clusterDomain=cluster.test",
                "--set", "watchNamespaces={" + NAMESPACE + "}", "--set", "leaderElection.enabled=false");
        assertThat(install.exitCode()).as(install.output()).isZero();

        Path kubeconfig = controlPlane.kubeconfigForServiceAccount(RELEASE_NAMESPACE, SERVICE_ACCOUNT);
        operator = OperatorProcess.start("discovery", kubeconfig, Map.of(
                "SMTPPROBE_WATCH_NAMESPACES", NAMESPACE,
                "SMTPPROBE_LEADER_ELECTION_ENABLED", "false",
                "SMTPPROBE_DISCOVERY_ENABLED", "true",
                "SMTPPROBE_DISCOVERY_CLUSTER_DOMAIN", "cluster.test",
                "SMTPPROBE_DISCOVERY_CRD_CHECK_INTERVAL", "2s",
                "SMTPPROBE_DNS_SERVERS", dns.endpoint(),
                "SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.0/8"));
    }

    @AfterAll
    void stopEverything() {
        if (operator != null) {
            operator.close();
        }
        if (garbageCollector != null) {
            garbageCollector.close();
        }
        if (controlPlane != null) {
            controlPlane.kubectl("delete", "namespace", NAMESPACE, "--wait=false", "--ignore-not-found");
            new Helm(controlPlane.kubeconfigPath()).run("uninstall", RELEASE, "-n", RELEASE_NAMESPACE);
        }
        if (dns != null) {
            dns.close();
        }
        if (sink != null) {
            sink.destroy();
            try {
                sink.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    @Order(1)
    void annotatedServiceGetsAWorkingProbeMarkedAsGenerated() {
        apply("service.yaml", """
                apiVersion: v1
                kind: Service
                metadata:
                  name: mail
                  namespace: %s
                  annotations:
                    smtpprobe.io/probe: "true"
                    smtpprobe.io/domain: contoso.test
                    smtpprobe.io/interval: 30s
                spec:
                  ports:
                  - {name: http, port: 80}
                  - {name: smtp, port: 25}
                """.formatted(NAMESPACE));

        awaitUntil(Duration.ofSeconds(60), () -> !jsonpath("mail-smtp", "{.status.result}").isEmpty(), this::diagnostics);

        assertThat(jsonpath("mail-smtp", "{.status.result} {.status.reason}")).isEqualTo("Success Accepted");
        assertThat(jsonpath("mail-smtp", "{.spec.servers[0]} {.spec.domains[0]} {.spec.interval}"))
                .isEqualTo("mail." + NAMESPACE + ".svc.cluster.test:25 contoso.test 30s");
        assertThat(jsonpath("mail-smtp", "{.status.domains[0].servers[0].address}:{.status.domains[0].servers[0].port}"))
                .isEqualTo(MTA_ADDRESS + ":" + SMTP_PORT);
        assertThat(jsonpath("mail-smtp", "{.metadata.labels.app\\.kubernetes\\.io/managed-by} "
                + "{.metadata.labels.smtpprobe\\.io/generated-from}")).isEqualTo("smtp-probe-operator Service");
        String serviceUid = controlPlane.kubectl("get", "service", "mail", "-n", NAMESPACE, "-o", "jsonpath={.metadata.uid}");
        assertThat(jsonpath("mail-smtp", "{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} "
                + "{.metadata.ownerReferences[0].uid} {.metadata.ownerReferences[0].controller}"))
                .isEqualTo("Service/mail " + serviceUid + " true");
        // The desired spec carries the CRD's defaults: an unchanged Service causes no write.
        OperatorProcess.sleep(3000);
        assertThat(jsonpath("mail-smtp", "{.metadata.generation}")).isEqualTo("1");
        assertThat(operator.log()).doesNotContainIgnoringCase("forbidden");
    }

    @Test
    @Order(2)
    void aHandEditOfAGeneratedProbeIsOverwritten() {
        controlPlane.kubectl("patch", "smtpprobe", "mail-smtp", "-n", NAMESPACE, "--type=merge",
                "-p", "{\"spec\":{\"suspend\":true,\"interval\":\"10m\"}}");

        awaitUntil(Duration.ofSeconds(20), () -> jsonpath("mail-smtp", "{.spec.suspend} {.spec.interval}").equals("false 30s"),
                this::diagnostics);
        assertThat(jsonpath("mail-smtp", "{.metadata.generation}")).isEqualTo("3");
    }

    @Test
    @Order(3)
    void dnsEndpointWithAnMxRecordGetsAWorkingProbeOnceItsCrdAppears() {
        apply("dnsendpoint-crd.yaml", """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: dnsendpoints.externaldns.k8s.io
                  # a *.k8s.io group needs it; external-dns's own CRD carries this one
                  annotations: {api-approved.kubernetes.io: "https://github.com/kubernetes-sigs/external-dns/pull/2007"}
                spec:
                  group: externaldns.k8s.io
                  scope: Namespaced
                  names: {kind: DNSEndpoint, listKind: DNSEndpointList, plural: dnsendpoints, singular: dnsendpoint}
                  versions:
                  - name: v1alpha1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            properties:
                              endpoints:
                                type: array
                                items:
                                  type: object
                                  properties:
                                    dnsName: {type: string}
                                    recordType: {type: string}
                                    recordTTL: {type: integer}
                                    targets: {type: array, items: {type: string}}
                """);
        controlPlane.kubectl("wait", "--for=condition=Established", "--timeout=30s", "crd/dnsendpoints.externaldns.k8s.io");
        applyOnceServed("dnsendpoint.yaml", """
                apiVersion: externaldns.k8s.io/v1alpha1
                kind: DNSEndpoint
                metadata:
                  name: mail
                  namespace: %s
                  annotations:
                    smtpprobe.io/interval: 30s
                spec:
                  endpoints:
                  - {dnsName: disco.test, recordType: MX, recordTTL: 300, targets: ["10 mx.disco.test"]}
                  - {dnsName: mx.disco.test, recordType: A, targets: ["%s"]}
                """.formatted(NAMESPACE, MTA_ADDRESS));

        awaitUntil(Duration.ofSeconds(60), () -> !jsonpath("mail-disco-test", "{.status.result}").isEmpty(), this::diagnostics);

        assertThat(jsonpath("mail-disco-test", "{.status.result} {.status.reason}")).isEqualTo("Success Accepted");
        assertThat(jsonpath("mail-disco-test", "{.spec.domains[0]} {.status.domains[0].mx[0].host}"))
                .isEqualTo("disco.test mx.disco.test");
        assertThat(jsonpath("mail-disco-test", "{.metadata.labels.smtpprobe\\.io/generated-from} "
                + "{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}"))
                .isEqualTo("DNSEndpoint DNSEndpoint/mail");
    }

    @Test
    @Order(4)
    void deletingTheOwnerDeletesItsProbe() {
        controlPlane.kubectl("delete", "service", "mail", "-n", NAMESPACE);
        controlPlane.kubectl("delete", "dnsendpoint", "mail", "-n", NAMESPACE);

        awaitUntil(Duration.ofSeconds(60), () -> controlPlane.kubectl("get", "smtpprobes", "-n", NAMESPACE, "-o", "name").isBlank(),
                () -> diagnostics() + "\nkube-controller-manager:\n" + garbageCollector.log());
        assertThatThrownBy(() -> controlPlane.kubectl("get", "smtpprobe", "mail-smtp", "-n", NAMESPACE))
                .hasMessageContaining("NotFound");
    }

    private String diagnostics() {
        return controlPlane.kubectl("get", "smtpprobes", "-n", NAMESPACE, "-o", "yaml") + operator.log();
    }

    private String jsonpath(String probe, String expression) {
        try {
            return controlPlane.kubectl("get", "smtpprobe", probe, "-n", NAMESPACE, "-o", "jsonpath=" + expression).strip();
        } catch (IllegalStateException notYet) {
            return "";
        }
    }

    /** kubectl's discovery may lag a moment behind a CRD that just became Established. */
    private void applyOnceServed(String file, String yaml) {
        awaitUntil(Duration.ofSeconds(20), () -> {
            try {
                apply(file, yaml);
                return true;
            } catch (IllegalStateException notServedYet) {
                return false;
            }
        }, () -> controlPlane.kubectl("api-resources", "--api-group=externaldns.k8s.io"));
    }

    private void apply(String file, String yaml) {
        try {
            controlPlane.kubectl("apply", "-f", Files.writeString(scratch.resolve(file), yaml).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Postfix's smtp-sink on port 25, accepting every command with 250, as a receiving MTA without a recipient list does. */
    private static Process startSink() {
        try {
            Process process = new ProcessBuilder("/usr/sbin/smtp-sink", "-u", "nobody", MTA_ADDRESS + ":" + SMTP_PORT, "64")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                try (var socket = new java.net.Socket(MTA_ADDRESS, SMTP_PORT)) {
                    return process;
                } catch (IOException notYet) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("smtp-sink exited with " + process.exitValue());
                    }
                    OperatorProcess.sleep(100);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("smtp-sink did not listen on " + MTA_ADDRESS + ":" + SMTP_PORT + " within 10 s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
