package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.smtpprobe.testsupport.ControlPlane;

/**
 * The README's quick start, end to end, on a real kube-apiserver: {@code helm install} of the chart, the packaged
 * operator running as the chart's ServiceAccount, {@code kubectl apply -f examples/smtpprobes.yaml} against the
 * demo mail world of {@code make run} (real dnsmasq and Postfix on loopback), then what kubectl shows, what the
 * API refuses, and leader failover between operator processes.
 *
 * <p>The steps build on each other (one install, one set of resources), hence the fixed order.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorIT {

    private static final String RELEASE = "smtp-probe-operator";
    private static final String NAMESPACE = "smtp-probe";
    private static final String SERVICE_ACCOUNT = "smtp-probe-operator";
    private static final String LEASE = "smtp-probe-operator";
    private static final Path CHART = Path.of("helm/smtp-probe-operator");
    private static final Path EXAMPLES = Path.of("examples/smtpprobes.yaml");
    private static final Path EXPECT_EXAMPLES = Path.of("examples/expect.yaml");
    /** Result, reason, Ready and its reason of examples/expect.yaml: the expected refusals make each Ready. */
    private static final Map<String, String> EXPECTED_REFUSALS = new LinkedHashMap<>(Map.of(
            "no-catch-all", "PermanentFailure RecipientUnknown True ExpectationMet",
            "no-open-relay", "PermanentFailure RelayDenied True ExpectationMet",
            "tls-required", "PermanentFailure StartTlsNotOffered True ExpectationMet"));
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>(Map.of(
            "contoso", "Success Accepted",
            "fabrikam", "PermanentFailure RecipientUnknown",
            "nosuch", "PermanentFailure DnsNameNotFound",
            "refused", "PermanentFailure ConnectRefused"));
    // The chart's defaults; takeover after a crash needs the lease to expire plus one retry.
    private static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    private static final Duration RETRY_PERIOD = Duration.ofSeconds(2);
    // The shortest interval the CRD accepts, for the resource the failover steps watch.
    private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(30);

    private ControlPlane controlPlane;
    private DemoPeers peers;
    private Helm helm;
    private Path serviceAccountKubeconfig;
    private final List<OperatorProcess> operators = new ArrayList<>();
    private Path scratch;

    @BeforeAll
    void startClusterAndMailWorld() throws IOException {
        controlPlane = ControlPlane.shared();
        peers = DemoPeers.start();
        helm = new Helm(controlPlane.kubeconfigPath());
        scratch = Files.createTempDirectory("operator-it-");
    }

    @AfterAll
    void stopEverything() {
        operators.forEach(OperatorProcess::close);
        if (peers != null) {
            peers.close();
        }
    }

    @Test
    @Order(1)
    void chartLintsCleanAndInstallsEveryObject() {
        Helm.Result lint = helm.run("lint", "--strict", CHART.toString());
        assertThat(lint.exitCode()).as(lint.output()).isZero();
        assertThat(lint.output()).contains("1 chart(s) linted, 0 chart(s) failed")
                .doesNotContain("[WARNING]").doesNotContain("[ERROR]");

        Helm.Result install = helm.run("install", RELEASE, CHART.toString(), "-n", NAMESPACE, "--create-namespace");
        assertThat(install.exitCode()).as(install.output()).isZero();
        assertThat(install.output()).contains("STATUS: deployed");

        // Every object of the release exists: kubectl get -f fails on the first one the API server lacks.
        Path manifest = write("manifest.yaml", helm.run("get", "manifest", RELEASE, "-n", NAMESPACE).output());
        List<String> objects = controlPlane.kubectl("get", "-f", manifest.toString(), "-o", "name").lines().toList();
        assertThat(objects).contains("serviceaccount/smtp-probe-operator", "deployment.apps/smtp-probe-operator",
                "service/smtp-probe-operator", "clusterrole.rbac.authorization.k8s.io/smtp-probe-operator",
                "clusterrolebinding.rbac.authorization.k8s.io/smtp-probe-operator",
                "role.rbac.authorization.k8s.io/smtp-probe-operator-leader-election",
                "rolebinding.rbac.authorization.k8s.io/smtp-probe-operator-leader-election");
        controlPlane.kubectl("wait", "--for=condition=Established", "--timeout=30s", "crd/smtpprobes.smtpprobe.io");
    }

    @Test
    @Order(2)
    void operatorRunsAsTheChartsServiceAccountAndNeedsNoMore() {
        serviceAccountKubeconfig = controlPlane.kubeconfigForServiceAccount(NAMESPACE, SERVICE_ACCOUNT);
        OperatorProcess operator = startOperator("operator-a");
        controlPlane.kubectl("apply", "-f", EXAMPLES.toString());

        // Sufficient: it watched, probed, wrote status, recorded events and holds its lease.
        awaitUntil(Duration.ofSeconds(60), () -> EXPECTED.keySet().stream().allMatch(n -> !result(n).isEmpty()),
                () -> controlPlane.kubectl("get", "smtpprobes") + operator.log());
        assertThat(leaseHolder()).isEqualTo("operator-a");
        assertThat(controlPlane.kubectl("get", "events", "-o", "jsonpath={.items[*].reason}"))
                .contains("RecipientUnknown", "DnsNameNotFound", "ConnectRefused");
        assertThat(operator.log()).doesNotContainIgnoringCase("forbidden");

        // Not broader: no secrets, and the spec of a probe is the user's, not the operator's.
        assertThatThrownBy(() -> controlPlane.kubectlWith(serviceAccountKubeconfig, "get", "secrets", "-A"))
                .hasMessageContaining("Forbidden");
        assertThatThrownBy(() -> controlPlane.kubectlWith(serviceAccountKubeconfig, "patch", "smtpprobe", "contoso",
                "-n", "default", "--type=merge", "-p", "{\"spec\":{\"suspend\":true}}"))
                .hasMessageContaining("Forbidden");
        assertThatThrownBy(() -> controlPlane.kubectlWith(serviceAccountKubeconfig, "delete", "smtpprobe", "contoso",
                "-n", "default")).hasMessageContaining("Forbidden");
        assertThat(controlPlane.kubectlWith(serviceAccountKubeconfig, "auth", "can-i", "patch", "smtpprobes",
                "--subresource=status", "-n", "default")).isEqualTo("yes\n");
    }

    @Test
    @Order(3)
    void kubectlShowsResultReasonEventsAndDocumentation() {
        Map<String, String> rows = controlPlane.kubectl("get", "smtpprobes").lines().skip(1)
                .map(line -> line.split("\\s{2,}"))
                .collect(Collectors.toMap(cells -> cells[0], cells -> cells[2] + " " + cells[3]));
        assertThat(rows).isEqualTo(EXPECTED);
        assertThat(controlPlane.kubectl("get", "smtpprobes").lines().findFirst().orElseThrow())
                .containsSubsequence("NAME", "DOMAINS", "RESULT", "REASON", "LAST PROBE", "AGE");
        assertThat(controlPlane.kubectl("get", "smtpprobes", "-o", "wide"))
                .contains("MESSAGE")
                .contains("<nobody@fabrikam.test>: Recipient address rejected: User unknown")
                .contains("nosuch.test: DNS NXDOMAIN");

        String described = controlPlane.kubectl("describe", "smtpprobe", "fabrikam");
        assertThat(described).contains("Events:").containsPattern(
                "Warning\\s+RecipientUnknown\\s+\\S+\\s+smtp-probe-operator\\s+fabrikam.test: mx.fabrikam.test \\(127\\.0\\.0\\.\\d+:2525\\) RCPT 550 5.1.1");
        assertThat(described).containsPattern("Enhanced Code:\\s+5.1.1");

        assertThat(controlPlane.kubectl("explain", "smtpprobe.spec.tls"))
                .contains("FIELD: tls <string>", "Opportunistic", "Required", "Implicit", "Disabled")
                .contains("Opportunistic: STARTTLS when offered");
    }

    static Stream<Arguments> invalidSpecs() {
        String hundredAndOneDomains = IntStream.rangeClosed(1, 101).mapToObj(i -> "\"d" + i + ".test\"")
                .collect(Collectors.joining(", ", "[", "]"));
        return Stream.of(
                Arguments.of("CRLF in mailFrom", "mailFrom: \"probe@contoso.test\\r\\nRCPT TO:<x@contoso.test>\"",
                        "spec.mailFrom"),
                Arguments.of("port 70000", "port: 70000", "spec.port"),
                Arguments.of("interval 0", "interval: \"0\"", "spec.interval"),
                Arguments.of("interval 0s", "interval: 0s", "spec.interval"),
                Arguments.of("101 domains", "domains: " + hundredAndOneDomains, "spec.domains"),
                Arguments.of("unknown tls mode", "tls: Sometimes", "spec.tls"),
                // The CRD judges addresses and EHLO names as the one validator does (WireTextAgreementTest).
                Arguments.of("comment in mailFrom", "mailFrom: \"a(b)@x.test\"", "spec.mailFrom"),
                Arguments.of("space in ehloName", "ehloName: \"two words\"", "spec.ehloName"),
                Arguments.of("C1 control in subject", "data: {subject: \"a\\u0085b\"}", "spec.data.subject"),
                Arguments.of("line separator in body", "data: {body: \"a\\u2028b\"}", "spec.data.body"),
                Arguments.of("servers without rcptTo", "domains: []\n  servers: [\"127.0.0.1:2525\"]", "spec.rcptTo"),
                // spec.expect: reasons are the documented names, codes are replies, and both must be able to meet.
                Arguments.of("unknown expected reason", "expect: {reasons: [UserUnknown]}", "spec.expect.reasons[0]"),
                Arguments.of("expected code 700", "expect: {code: 700}", "spec.expect.code"),
                Arguments.of("malformed enhanced code", "expect: {enhancedCode: \"5.1\"}", "spec.expect.enhancedCode"),
                Arguments.of("empty expect", "expect: {}", "spec.expect"),
                Arguments.of("enhanced code of another class", "expect: {code: 550, enhancedCode: \"4.7.1\"}", "spec.expect"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSpecs")
    @Order(4)
    void invalidResourcesAreRefusedNamingTheField(String what, String specLine, String field) {
        String domains = specLine.startsWith("domains:") ? "" : "  domains: [\"contoso.test\"]\n";
        Path file = write("invalid.yaml", "apiVersion: smtpprobe.io/v1alpha1\nkind: SmtpProbe\nmetadata:\n"
                + "  name: invalid\nspec:\n" + domains + "  " + specLine + "\n");
        assertThatThrownBy(() -> controlPlane.kubectl("apply", "-f", file.toString()))
                .hasMessageContaining("is invalid").hasMessageContaining(field);
    }

    @Test
    @Order(5)
    void expectedRefusalsMakeProbesReadyAndAnUnexpectedAcceptanceDoesNot() {
        controlPlane.kubectl("apply", "-f", EXPECT_EXAMPLES.toString());
        Path catchAll = write("catch-all.yaml", "apiVersion: smtpprobe.io/v1alpha1\nkind: SmtpProbe\n"
                + "metadata:\n  name: catch-all\nspec:\n  domains: [\"contoso.test\"]\n"
                + "  rcptTo: [\"user@contoso.test\"]\n  port: 2525\n  interval: 1m\n"
                + "  expect: {reasons: [RecipientUnknown]}\n");
        controlPlane.kubectl("apply", "-f", catchAll.toString());
        List<String> names = new ArrayList<>(EXPECTED_REFUSALS.keySet());
        names.add("catch-all");
        awaitUntil(Duration.ofSeconds(60), () -> names.stream().allMatch(n -> !result(n).isEmpty()),
                () -> controlPlane.kubectl("get", "smtpprobes") + operators.get(0).log());

        Map<String, String> readiness = new LinkedHashMap<>();
        EXPECTED_REFUSALS.keySet().forEach(name -> readiness.put(name, readiness(name)));
        assertThat(readiness).isEqualTo(EXPECTED_REFUSALS);
        assertThat(readiness("catch-all")).isEqualTo("Success Accepted False ExpectationNotMet");
        assertThat(controlPlane.kubectl("get", "smtpprobe", "catch-all", "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].message}"))
                .startsWith("expected RecipientUnknown, got Accepted: contoso.test: mx.contoso.test");
        assertThat(controlPlane.kubectl("get", "smtpprobe", "no-catch-all", "-o",
                "jsonpath={.status.domains[0].expected} / {.status.domains[0].actual} / {.status.domains[0].expectationMet}"))
                .isEqualTo("RecipientUnknown with reply 550 5.1.1 / RecipientUnknown with reply 550 5.1.1 / true");
        // rcptTo {random}@fabrikam.test: the server was asked about a made-up mailbox, never about "{random}".
        assertThat(controlPlane.kubectl("get", "smtpprobe", "no-catch-all", "-o", "jsonpath={.status.message}"))
                .containsPattern("RCPT 550 5\\.1\\.1 <[a-z0-9]{16}@fabrikam\\.test>");

        // kubectl get: RESULT and REASON say what happened, READY whether that was the healthy answer.
        System.out.println(controlPlane.kubectl("get", "smtpprobes", "no-catch-all", "no-open-relay", "tls-required", "catch-all"));
        Map<String, String> rows = controlPlane.kubectl("get", "smtpprobes").lines().skip(1)
                .map(line -> line.split("\\s{2,}"))
                .collect(Collectors.toMap(cells -> cells[0], cells -> cells[2] + " " + cells[3] + " " + cells[4]));
        assertThat(rows).containsEntry("no-catch-all", "PermanentFailure RecipientUnknown True")
                .containsEntry("catch-all", "Success Accepted False")
                .containsEntry("fabrikam", "PermanentFailure RecipientUnknown False")
                .containsEntry("contoso", "Success Accepted True");
        assertThat(controlPlane.kubectl("get", "smtpprobes").lines().findFirst().orElseThrow())
                .containsSubsequence("NAME", "DOMAINS", "RESULT", "REASON", "READY", "LAST PROBE", "AGE");
        // Events keep the actual reason: an expected refusal is still a refusal.
        awaitUntil(Duration.ofSeconds(10), () -> controlPlane.kubectl("get", "events", "--field-selector",
                "involvedObject.name=no-open-relay", "-o", "jsonpath={.items[*].reason}").contains("RelayDenied"),
                () -> controlPlane.kubectl("get", "events"));
        assertThat(controlPlane.kubectl("explain", "smtpprobe.spec.expect"))
                .contains("reasons", "enhancedCode", "What a healthy answer is");

        controlPlane.kubectl("delete", "-f", EXPECT_EXAMPLES.toString(), "-f", catchAll.toString());
    }

    @Test
    @Order(6)
    void restartedOperatorsShareWorkThroughTheLeaseAndTakeOverFromACrashedLeader() {
        Path heartbeat = write("heartbeat.yaml", "apiVersion: smtpprobe.io/v1alpha1\nkind: SmtpProbe\n"
                + "metadata:\n  name: heartbeat\nspec:\n  domains: [\"contoso.test\"]\n"
                + "  rcptTo: [\"user@contoso.test\"]\n  port: 2525\n  interval: 30s\n");
        controlPlane.kubectl("apply", "-f", heartbeat.toString());
        Duration probeWait = HEARTBEAT_INTERVAL.plus(Duration.ofSeconds(15));
        awaitUntil(Duration.ofSeconds(30), () -> !lastProbeTime("heartbeat").isEmpty(), () -> operators.get(0).log());

        // Restart: the status survives the operator, and the new processes resume the schedule from it.
        // Two successors stand by before the leader stops, so the handover measures the lease, not JVM start-up.
        OperatorProcess first = startOperator("operator-b");
        OperatorProcess second = startOperator("operator-c");
        operators.get(0).stop();
        long stopped = System.nanoTime();
        String beforeRestart = lastProbeTime("heartbeat");
        assertThat(results()).isEqualTo(EXPECTED);
        // Released on SIGTERM: a successor takes over on its next retry. Unreleased, the lease would last
        // at least LEASE_DURATION - RETRY_PERIOD more.
        awaitUntil(LEASE_DURATION.plus(Duration.ofSeconds(10)),
                () -> List.of(first.identity(), second.identity()).contains(leaseHolder()), first::log);
        Duration handover = Duration.ofNanos(System.nanoTime() - stopped);
        System.out.printf("lease handed over %d ms after a graceful stop%n", handover.toMillis());
        assertThat(handover).as("handover after SIGTERM").isLessThan(LEASE_DURATION.minus(RETRY_PERIOD).minus(Duration.ofSeconds(2)));
        awaitUntil(probeWait, () -> !lastProbeTime("heartbeat").equals(beforeRestart),
                () -> first.log() + second.log());
        assertThat(results()).isEqualTo(EXPECTED);

        // Two processes, one lease: only its holder probes.
        OperatorProcess leader = leaseHolder().equals(first.identity()) ? first : second;
        OperatorProcess standby = leader == first ? second : first;
        assertThat(leader.probesCompleted()).as("probes run by the leader %s", leader.identity()).isPositive();
        assertThat(standby.probesCompleted()).as("probes run by the standby %s", standby.identity()).isZero();

        // A crashed leader releases nothing; the standby takes over once the lease expires, and probes.
        String beforeCrash = lastProbeTime("heartbeat");
        leader.kill();
        long crashed = System.nanoTime();
        // The lease runs out at most LEASE_DURATION after the crash; the standby notices on its next retry, which
        // fabric8 jitters up to 2.2 retry periods, and this test polls on a busy machine.
        Duration takeoverBound = LEASE_DURATION.plus(RETRY_PERIOD.multipliedBy(3)).plus(Duration.ofSeconds(3));
        awaitUntil(takeoverBound.plus(Duration.ofSeconds(10)), () -> standby.identity().equals(leaseHolder()),
                standby::log);
        Duration takeover = Duration.ofNanos(System.nanoTime() - crashed);
        System.out.printf("%s took over from crashed %s after %d ms%n", standby.identity(), leader.identity(),
                takeover.toMillis());
        assertThat(takeover).isLessThanOrEqualTo(takeoverBound);
        awaitUntil(probeWait, () -> !lastProbeTime("heartbeat").equals(beforeCrash), standby::log);
        assertThat(standby.probesCompleted()).isPositive();
        assertThat(results()).isEqualTo(EXPECTED);
    }

    private OperatorProcess startOperator(String identity) {
        // The chart's environment, plus what the local demo world needs: its resolver, and loopback allowed.
        OperatorProcess operator = OperatorProcess.start(identity, serviceAccountKubeconfig, Map.of(
                "SMTPPROBE_DNS_SERVERS", peers.resolver(),
                "SMTPPROBE_POLICY_ALLOWED_PORTS", "2525",
                "SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.0/8",
                "SMTPPROBE_LEADER_ELECTION_NAMESPACE", NAMESPACE,
                "SMTPPROBE_LEADER_ELECTION_LEASE_NAME", LEASE));
        operators.add(operator);
        return operator;
    }

    private Map<String, String> results() {
        Map<String, String> results = new LinkedHashMap<>();
        EXPECTED.keySet().forEach(name -> results.put(name, result(name)));
        return results;
    }

    private String result(String name) {
        return controlPlane.kubectl("get", "smtpprobe", name, "-o", "jsonpath={.status.result} {.status.reason}")
                .strip();
    }

    private String readiness(String name) {
        return controlPlane.kubectl("get", "smtpprobe", name, "-o", "jsonpath={.status.result} {.status.reason} "
                + "{.status.conditions[?(@.type==\"Ready\")].status} {.status.conditions[?(@.type==\"Ready\")].reason}").strip();
    }

    private String lastProbeTime(String name) {
        return controlPlane.kubectl("get", "smtpprobe", name, "-o", "jsonpath={.status.lastProbeTime}").strip();
    }

    private String leaseHolder() {
        return controlPlane.kubectl("get", "lease", LEASE, "-n", NAMESPACE, "-o", "jsonpath={.spec.holderIdentity}")
                .strip();
    }

    private Path write(String name, String content) {
        try {
            return Files.writeString(scratch.resolve(name), content);
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
