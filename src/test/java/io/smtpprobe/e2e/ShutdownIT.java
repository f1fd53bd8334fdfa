package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.testsupport.ControlPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * Stopping in the middle of a dialogue, on the real kube-apiserver with the packaged operator: SIGTERM
 * (as Kubernetes stops a pod) and a deleted SmtpProbe each end the dialogue on the wire, with QUIT and a
 * close the mail server sees, not only the future that waited for it. After SIGTERM the status is the
 * last complete one (the cancelled cycle writes nothing, so nothing half-written), and the Lease is
 * released, so a standby takes over on its next retry rather than after the lease expires.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShutdownIT {

    private static final String NAMESPACE = "shutdown-it";
    private static final String LEASE = "shutdown-it";
    private static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    private static final Duration RETRY_PERIOD = Duration.ofSeconds(2);
    /** The dialogue's own deadlines are 30 s and more: only the stop can close it sooner than this. */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlPlane controlPlane;
    private Path scratch;
    private final List<OperatorProcess> operators = new ArrayList<>();
    /** Both peers exist before any operator starts: the operators may connect to their ports only. */
    private StallingSmtpPeer firstFastThenStalling;
    private StallingSmtpPeer alwaysStalling;
    private OperatorProcess standby;

    @BeforeAll
    void clusterWithTheCrd() throws IOException {
        controlPlane = ControlPlane.shared();
        firstFastThenStalling = StallingSmtpPeer.start(1);
        alwaysStalling = StallingSmtpPeer.start(0);
        scratch = Files.createTempDirectory("shutdown-it-");
        try {
            controlPlane.kubectl("get", "crd", "smtpprobes.smtpprobe.io");
        } catch (IllegalStateException absent) {
            // the API server is shared: another e2e test's helm install may own it already (same crds/)
            controlPlane.kubectl("apply", "--server-side", "-f", "crds/");
        }
        controlPlane.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/smtpprobes.smtpprobe.io");
        controlPlane.kubectl("apply", "-f", write("namespace.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + NAMESPACE + "\n").toString());
    }

    @AfterAll
    void stopEverything() throws IOException {
        try {
            controlPlane.kubectl("delete", "smtpprobes", "--all", "-n", NAMESPACE, "--wait=false");
        } finally {
            operators.forEach(OperatorProcess::close);
            firstFastThenStalling.close();
            alwaysStalling.close();
        }
    }

    @Test
    @Order(1)
    void sigtermMidDialogueSaysQuitClosesKeepsTheLastWholeStatusAndReleasesTheLease() throws Exception {
        StallingSmtpPeer peer = firstFastThenStalling;
        OperatorProcess leader = startOperator("shutdown-a");
        awaitUntil(Duration.ofSeconds(30), () -> leader.identity().equals(leaseHolder()), leader::log);
        applyProbe("stalled", peer);

        // The first cycle completes: a whole status to keep.
        awaitUntil(Duration.ofSeconds(60), () -> !status("stalled").path("lastProbeTime").asText().isEmpty(), leader::log);
        JsonNode before = status("stalled");
        assertWhole(before, generation("stalled"));
        assertThat(before.path("result").asText()).isEqualTo("Success");

        // A standby waits before the leader stops, so the handover measures the Lease, not JVM start-up.
        standby = startOperator("shutdown-b");
        // The next cycle (one interval later) stalls at RCPT TO: the dialogue is in flight.
        StallingSmtpPeer.Session inFlight = peer.awaitSession(1, Duration.ofSeconds(60));
        assertThat(inFlight.awaitStalled(Duration.ofSeconds(30))).as("RCPT sent in the second cycle").isTrue();
        assertThat(leaseHolder()).isEqualTo(leader.identity());

        long sigterm = System.nanoTime();
        leader.stop();
        Duration exited = Duration.ofNanos(System.nanoTime() - sigterm);

        assertThat(inFlight.awaitClosed(CLOSE_BOUND)).as("the server saw the connection close").isTrue();
        Duration closed = Duration.ofNanos(System.nanoTime() - sigterm);
        assertThat(inFlight.received).as("best-effort QUIT after the unanswered RCPT")
                .endsWith("RCPT TO:<user@stall.test>", "QUIT");
        // Nothing of the cancelled cycle reached the status: it is the last whole one, unchanged.
        assertThat(status("stalled")).isEqualTo(before);
        assertThat(leader.log()).contains("released lease " + NAMESPACE + "/" + LEASE);

        awaitUntil(LEASE_DURATION, () -> standby.identity().equals(leaseHolder()), standby::log);
        Duration handover = Duration.ofNanos(System.nanoTime() - sigterm);
        System.out.printf("SIGTERM mid-dialogue: peer saw QUIT and close after %d ms, operator exited after %d ms,"
                + " standby holds the lease after %d ms%n", closed.toMillis(), exited.toMillis(), handover.toMillis());
        // Unreleased, the lease would name the stopped leader for LEASE_DURATION after its last renewal.
        assertThat(handover).isLessThan(LEASE_DURATION.minus(RETRY_PERIOD).minus(Duration.ofSeconds(2)).plus(exited));
    }

    @Test
    @Order(2)
    void deletingTheResourceMidDialogueClosesTheConnection() throws Exception {
        assertThat(standby).as("the operator that took over in the first test").isNotNull();
        StallingSmtpPeer peer = alwaysStalling;
        applyProbe("doomed", peer);
        StallingSmtpPeer.Session inFlight = peer.awaitSession(0, Duration.ofSeconds(60));
        assertThat(inFlight.awaitStalled(Duration.ofSeconds(30))).as("RCPT sent").isTrue();

        long deleted = System.nanoTime();
        controlPlane.kubectl("delete", "smtpprobe", "doomed", "-n", NAMESPACE, "--wait=false");

        assertThat(inFlight.awaitClosed(CLOSE_BOUND)).as("the server saw the connection close").isTrue();
        System.out.printf("delete mid-dialogue: peer saw QUIT and close after %d ms%n",
                Duration.ofNanos(System.nanoTime() - deleted).toMillis());
        assertThat(inFlight.received).endsWith("RCPT TO:<user@stall.test>", "QUIT");
        Thread.sleep(1000);
        assertThat(peer.sessions()).as("no new dialogue for the deleted resource").hasSize(1);
        assertThat(standby.isAlive()).isTrue();
    }

    /**
     * A status as one write leaves it: every summary field set, the Ready condition agreeing with the
     * result and reason, the generation observed, the next probe after the last.
     */
    private static void assertWhole(JsonNode status, long generation) {
        for (String field : List.of("result", "reason", "message", "lastProbeTime", "nextProbeTime")) {
            assertThat(status.path(field).asText()).as("status.%s in %s", field, status).isNotEmpty();
        }
        assertThat(status.path("observedGeneration").asLong()).isEqualTo(generation);
        assertThat(Instant.parse(status.path("nextProbeTime").asText()))
                .isAfter(Instant.parse(status.path("lastProbeTime").asText()));
        JsonNode ready = null;
        for (JsonNode condition : status.path("conditions")) {
            if ("Ready".equals(condition.path("type").asText())) {
                ready = condition;
            }
        }
        assertThat(ready).as("Ready condition in %s", status).isNotNull();
        assertThat(ready.path("status").asText()).isEqualTo("Success".equals(status.path("result").asText()) ? "True" : "False");
        assertThat(ready.path("reason").asText()).isEqualTo(status.path("reason").asText());
        assertThat(ready.path("observedGeneration").asLong()).isEqualTo(generation);
    }

    private void applyProbe(String name, StallingSmtpPeer peer) {
        controlPlane.kubectl("apply", "-f", write(name + ".yaml", "apiVersion: smtpprobe.io/v1alpha1\nkind: SmtpProbe\n"
                + "metadata:\n  name: " + name + "\n  namespace: " + NAMESPACE + "\nspec:\n"
                + "  servers: [\"127.0.0.1:" + peer.port() + "\"]\n  rcptTo: [\"user@stall.test\"]\n"
                + "  mailFrom: probe@stall.test\n  tls: Disabled\n  interval: 30s\n  greylistRetry: 0s\n").toString());
    }

    private OperatorProcess startOperator(String identity) {
        OperatorProcess operator = OperatorProcess.start(identity, controlPlane.kubeconfigPath(), Map.of(
                // this test's namespace only: other e2e tests share the API server
                "SMTPPROBE_WATCH_NAMESPACES", NAMESPACE,
                "SMTPPROBE_POLICY_ALLOWED_PORTS", firstFastThenStalling.port() + "," + alwaysStalling.port(),
                "SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.0/8",
                "SMTPPROBE_LEADER_ELECTION_NAMESPACE", NAMESPACE,
                "SMTPPROBE_LEADER_ELECTION_LEASE_NAME", LEASE));
        operators.add(operator);
        return operator;
    }

    private JsonNode status(String name) {
        try {
            String json = controlPlane.kubectl("get", "smtpprobe", name, "-n", NAMESPACE, "-o", "jsonpath={.status}").strip();
            return json.isEmpty() ? JSON.createObjectNode() : JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long generation(String name) {
        return Long.parseLong(controlPlane.kubectl("get", "smtpprobe", name, "-n", NAMESPACE, "-o",
                "jsonpath={.metadata.generation}").strip());
    }

    private String leaseHolder() {
        try {
            return controlPlane.kubectl("get", "lease", LEASE, "-n", NAMESPACE, "-o", "jsonpath={.spec.holderIdentity}")
                    .strip();
        } catch (IllegalStateException notYetCreated) {
            return "";
        }
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
