package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.testsupport.ControlPlane;
import io.smtpprobe.testsupport.ProbeLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sharding on a real kube-apiserver: two packaged operators, each with its own Lease, share 100
 * SmtpProbes probing Postfix's smtp-sink on loopback. One is killed (SIGKILL, nothing released):
 * the other takes its share once its Lease expires, every resource is still probed, and none
 * twice within an interval.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardingIT {
    private static final String NAMESPACE = "sharding";
    private static final int RESOURCES = 100;
    /** The shortest interval the CRD accepts, with the operator's default ±10 % jitter. */
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final double JITTER = 0.1;
    private static final Duration LEASE = Duration.ofSeconds(6);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Pattern MEMBERS = Pattern.compile("^smtpprobe_shard_members\\{[^}]*\\} ([0-9.]+)$", Pattern.MULTILINE);

    private ControlPlane controlPlane;
    private KubernetesClient client;
    private Process sink;
    private int sinkPort;
    private SharedIndexInformer<SmtpProbe> informer;
    private final ProbeLedger ledger = new ProbeLedger();
    private OperatorProcess a;
    private OperatorProcess b;

    @BeforeAll
    void start() throws IOException {
        controlPlane = ControlPlane.shared();
        client = controlPlane.kubernetesClient();
        sinkPort = freePort();
        sink = startSink(sinkPort);
        controlPlane.kubectl("apply", "--server-side", "--force-conflicts", "-f", "crds");
        controlPlane.kubectl("wait", "--for=condition=Established", "--timeout=30s", "crd/smtpprobes.smtpprobe.io");
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
                .serverSideApply();
        informer = client.resources(SmtpProbe.class).inNamespace(NAMESPACE).inform(ledger, 0);
    }

    @AfterAll
    void stop() {
        for (OperatorProcess operator : new OperatorProcess[] {a, b}) {
            if (operator != null) {
                operator.close();
            }
        }
        if (informer != null) {
            informer.close();
        }
        if (controlPlane != null) {
            controlPlane.kubectl("delete", "namespace", NAMESPACE, "--wait=false", "--ignore-not-found");
        }
        if (sink != null) {
            sink.destroy();
        }
    }

    @Test
    void twoReplicasShareTheResourcesAndTheSurvivorOfASigkillProbesThemAllNeverTwiceInAnInterval() {
        a = operator("shard-a");
        b = operator("shard-b");
        Instant created = Instant.now();
        IntStream.range(0, RESOURCES).parallel().forEach(this::create);

        awaitUntil(Duration.ofSeconds(90), () -> ledger.resources() == RESOURCES, this::diagnostics);
        Map<String, Long> spread = ledger.latestOwners();
        System.out.printf("first probes by replica: %s, %d ms after creation%n", spread,
                Duration.between(created, Instant.now()).toMillis());
        assertThat(spread).as("both replicas probe a share").containsOnlyKeys("shard-a", "shard-b");
        assertThat(spread.values()).allSatisfy(n -> assertThat(n).isBetween(25L, 75L));

        // let each resource be probed by its owner once more, so the kill lands in a steady state
        OperatorProcess.sleep(INTERVAL.toMillis() / 2);
        b.kill();
        Instant killed = Instant.now();
        long killedNanos = System.nanoTime();
        awaitUntil(LEASE.plus(RETRY).plus(Duration.ofSeconds(20)), () -> members(a) == 1, this::diagnostics);
        Duration takeover = Duration.ofNanos(System.nanoTime() - killedNanos);
        System.out.printf("shard-a took over from SIGKILLed shard-b after %d ms%n", takeover.toMillis());
        // the Lease stops changing at the kill; shard-a counts it gone one lease duration after the last change it
        // saw, which its next sync notices (this test polls metrics on a busy machine)
        assertThat(takeover).isLessThanOrEqualTo(LEASE.plus(RETRY.multipliedBy(2)).plus(Duration.ofSeconds(3)));

        // Due an interval (and its jitter) after its last probe; the takeover; then the new owner spreads overdue
        // resources over the jitter, as after a restart, so that a takeover is no burst.
        Duration longestWait = Duration.ofMillis((long) (INTERVAL.toMillis() * (1 + 2 * JITTER))).plus(takeover);
        awaitUntil(longestWait.plus(Duration.ofSeconds(20)), () -> ledger.probedSince(killed) == RESOURCES, this::diagnostics);
        Instant end = Instant.now();
        System.out.printf("after the kill: probes by replica %s%n", ledger.probesByReplica(killed));
        assertThat(ledger.latestOwners()).containsOnlyKeys("shard-a");

        // no resource probed twice within an interval (less its jitter; lastProbeTime has second precision)
        Duration minGap = Duration.ofMillis((long) (INTERVAL.toMillis() * (1 - JITTER))).minusSeconds(1);
        assertThat(ledger.closerThan(minGap)).isEmpty();
        // none left unprobed for longer than that, and two seconds of rounding
        assertThat(ledger.longerThan(longestWait.plusSeconds(2), end)).isEmpty();
        System.out.printf("shortest gap between two probes of one resource: %s; status writes %d for %d probes%n",
                ledger.shortestGap(), ledger.statusWrites(), ledger.probeCount());
    }

    private OperatorProcess operator(String identity) {
        return OperatorProcess.start(identity, controlPlane.kubeconfigPath(), Map.of(
                "SMTPPROBE_WATCH_NAMESPACES", NAMESPACE,
                "SMTPPROBE_SHARDING_ENABLED", "true",
                "SMTPPROBE_LEADER_ELECTION_NAMESPACE", NAMESPACE,
                "SMTPPROBE_LEADER_ELECTION_LEASE_DURATION", LEASE.toSeconds() + "s",
                "SMTPPROBE_LEADER_ELECTION_RENEW_DEADLINE", (LEASE.toSeconds() - 2) + "s",
                "SMTPPROBE_LEADER_ELECTION_RETRY_PERIOD", RETRY.toSeconds() + "s",
                "SMTPPROBE_POLICY_ALLOWED_PORTS", Integer.toString(sinkPort),
                "SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.1/32"));
    }

    private void create(int i) {
        SmtpProbeSpec spec = new SmtpProbeSpec();
        spec.setServers(List.of("127.0.0.1:" + sinkPort));
        spec.setRcptTo(List.of("user" + i + "@shard.test"));
        spec.setInterval(INTERVAL.toSeconds() + "s");
        SmtpProbe probe = new SmtpProbe();
        probe.setMetadata(new ObjectMetaBuilder().withName("p" + i).withNamespace(NAMESPACE).build());
        probe.setSpec(spec);
        client.resources(SmtpProbe.class).inNamespace(NAMESPACE).resource(probe).create();
    }

    /** Live members in this replica's view, from its smtpprobe_shard_members gauge; -1 before it has one. */
    private static int members(OperatorProcess operator) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(operator.uri("/q/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = MEMBERS.matcher(response.body());
            return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String diagnostics() {
        return "probed: " + ledger.resources() + ", owners " + ledger.latestOwners() + "\n--- shard-a\n" + tail(a) + "\n--- shard-b\n"
                + tail(b);
    }

    private static String tail(OperatorProcess operator) {
        if (operator == null) {
            return "";
        }
        String log = operator.log();
        return log.substring(Math.max(0, log.length() - 6000));
    }

    private static Process startSink(int port) {
        try {
            Process process = new ProcessBuilder("/usr/sbin/smtp-sink", "-u", "nobody", "127.0.0.1:" + port, "256")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                try (var socket = new Socket("127.0.0.1", port)) {
                    return process;
                } catch (IOException notYet) {
                    OperatorProcess.sleep(100);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("smtp-sink did not listen on 127.0.0.1:" + port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitUntil(Duration timeout, BooleanSupplier condition, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + timeout + ":\n" + diagnostics.get());
            }
            OperatorProcess.sleep(200);
        }
    }
}
