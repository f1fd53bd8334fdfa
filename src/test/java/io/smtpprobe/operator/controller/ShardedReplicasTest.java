package io.smtpprobe.operator.controller;

import static io.smtpprobe.operator.controller.Probes.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.operator.sharding.LeaseMembership;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two production runtimes with sharding on, against one CRUD mock API server: disjoint shares, and a handover. */
class ShardedReplicasTest {
    private static final int RESOURCES = 24;

    @RegisterExtension
    final MockCluster cluster = new MockCluster();
    KubernetesClient client;

    @BeforeEach
    void client() {
        client = cluster.client();
    }

    OperatorRuntime replica(String identity, FakeRunner runner, String interval) {
        return cluster.operator(client, runner, TestConfig.operator(
                "smtpprobe.sharding.enabled", "true",
                "smtpprobe.leader-election.enabled", "true",
                "smtpprobe.leader-election.lease-name", "smtp-probe-operator",
                "smtpprobe.leader-election.namespace", "ops",
                "smtpprobe.leader-election.identity", identity,
                "smtpprobe.leader-election.lease-duration", "2s",
                "smtpprobe.leader-election.renew-deadline", "1500ms",
                "smtpprobe.leader-election.retry-period", "100ms"), new SimpleMeterRegistry());
    }

    @Test
    void eachResourceIsProbedByExactlyOneReplicaWhichItsStatusNames() {
        var runnerA = new FakeRunner();
        var runnerB = new FakeRunner();
        var a = replica("op-a", runnerA, "1h");
        var b = replica("op-b", runnerB, "1h");
        createProbes("1h");

        await(() -> probedBy().values().stream().filter(Objects::nonNull).count() == RESOURCES, Duration.ofSeconds(20));

        var byA = domains(runnerA.requests);
        var byB = domains(runnerB.requests);
        assertThat(byA).doesNotHaveDuplicates().isNotEmpty();
        assertThat(byB).doesNotHaveDuplicates().isNotEmpty();
        assertThat(byA).doesNotContainAnyElementsOf(byB);
        assertThat(byA.size() + byB.size()).isEqualTo(RESOURCES);
        probedBy().forEach((name, replica) -> assertThat(replica)
                .isEqualTo(byA.contains(name + ".test") ? "op-a" : "op-b"));
        assertThat(a.shardView().orElseThrow().members()).containsExactly("op-a", "op-b");
        assertThat(b.shardView().orElseThrow().acting()).isTrue();
        assertThat(client.resources(Lease.class).inNamespace("ops").withLabel(LeaseMembership.GROUP_LABEL, "smtp-probe-operator")
                .list().getItems()).extracting(l -> l.getSpec().getHolderIdentity()).containsExactlyInAnyOrder("op-a", "op-b");
        assertThat(a.isLeader()).as("no single leader: both probe").isTrue();
    }

    @Test
    void aReplicaThatShutsDownHandsItsShareOverAndNoResourceIsProbedTwiceWithinItsInterval() {
        Map<String, List<Long>> probeTimes = new ConcurrentHashMap<>();
        var runnerA = recording(probeTimes);
        var runnerB = recording(probeTimes);
        var a = replica("op-a", runnerA, "4s");
        replica("op-b", runnerB, "4s");
        createProbes("4s");
        await(() -> probedBy().values().stream().filter(Objects::nonNull).count() == RESOURCES, Duration.ofSeconds(20));
        assertThat(runnerA.calls()).isPositive();

        a.close();
        long closed = System.nanoTime();
        int probedByBAtClose = runnerB.calls();

        // op-a deleted its Lease on the way out: op-b takes its share at its next sync, not after the lease expires
        await(() -> probedBy().values().stream().allMatch("op-b"::equals), Duration.ofSeconds(15));
        assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(Duration.ofSeconds(8));
        assertThat(runnerB.calls()).isGreaterThan(probedByBAtClose);
        // lastProbeTime has second precision, so a new owner may start up to 1 s before a full interval
        long minGapMs = Duration.ofSeconds(4).minusMillis(1100).toMillis();
        probeTimes.forEach((domain, times) -> {
            for (int i = 1; i < times.size(); i++) {
                assertThat(Duration.ofNanos(times.get(i) - times.get(i - 1)).toMillis()).as("gap %d of %s", i, domain)
                        .isGreaterThanOrEqualTo(minGapMs);
            }
        });
        assertThat(client.resources(Lease.class).inNamespace("ops").list().getItems())
                .extracting(l -> l.getSpec().getHolderIdentity()).containsExactly("op-b");
    }

    private static FakeRunner recording(Map<String, List<Long>> probeTimes) {
        var runner = new FakeRunner();
        var answer = runner.answer;
        runner.answer = request -> {
            probeTimes.computeIfAbsent(request.domains().get(0), d -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
            return answer.apply(request);
        };
        return runner;
    }

    private void createProbes(String interval) {
        IntStream.range(0, RESOURCES).forEach(i -> Probes.create(client, "p" + i, spec -> {
            spec.setDomains(List.of("p" + i + ".test"));
            spec.setInterval(interval);
        }));
    }

    private Map<String, String> probedBy() {
        Map<String, String> by = new HashMap<>();
        client.resources(SmtpProbe.class).inNamespace(Probes.NS).list().getItems().forEach(p -> by.put(p.getMetadata().getName(),
                p.getStatus() == null ? null : p.getStatus().probedBy()));
        return by;
    }

    private static List<String> domains(List<ProbeRequest> requests) {
        return requests.stream().map(r -> r.domains().get(0)).toList();
    }
}
