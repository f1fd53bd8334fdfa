package io.smtpprobe.operator.controller;

import static io.smtpprobe.operator.controller.Probes.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeaderElectionTest {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();
    KubernetesClient client;

    @BeforeEach
    void client() {
        client = cluster.client();
    }

    OperatorRuntime replica(String identity, FakeRunner runner) {
        // A lease long enough that a busy build machine does not make the leader miss its renewals.
        return replica(identity, runner, "3s", "2s");
    }

    OperatorRuntime replica(String identity, FakeRunner runner, String leaseDuration, String renewDeadline) {
        return cluster.operator(client, runner, TestConfig.operator(
                "smtpprobe.leader-election.enabled", "true",
                "smtpprobe.leader-election.lease-name", "smtp-probe-operator",
                "smtpprobe.leader-election.namespace", "ops",
                "smtpprobe.leader-election.identity", identity,
                "smtpprobe.leader-election.lease-duration", leaseDuration,
                "smtpprobe.leader-election.renew-deadline", renewDeadline,
                "smtpprobe.leader-election.retry-period", "100ms"), new SimpleMeterRegistry());
    }

    @Test
    void onlyTheLeaderProbesAndLosingTheLeaseStopsItAtOnce() {
        var runnerA = new FakeRunner();
        runnerA.hold = true;
        var a = replica("a", runnerA);
        await(a::isLeader);
        var runnerB = new FakeRunner();
        var b = replica("b", runnerB);
        await(b::isWatching);

        createProbe();
        await(() -> runnerA.calls() == 1);
        assertThat(b.isLeader()).isFalse();

        stealLease("intruder", ZonedDateTime.now(), 60);

        await(() -> !a.isLeader());
        await(() -> runnerA.probes.get(0).isCancelled());
        assertThat(runnerB.calls()).isZero();
    }

    @Test
    void anotherReplicaTakesOverWhenTheLeaderGoesAway() throws Exception {
        var runnerA = new FakeRunner();
        // The leader goes away mid-probe, before any status exists; with a stored status the new leader
        // would wait for nextProbeTime instead (OperatorResilienceTest).
        runnerA.hold = true;
        var a = replica("a", runnerA);
        await(a::isLeader);
        var runnerB = new FakeRunner();
        var b = replica("b", runnerB);
        createProbe();
        await(() -> runnerA.calls() == 1);

        a.close();

        await(b::isLeader, Duration.ofSeconds(10));
        await(() -> runnerB.calls() == 1);
    }

    @Test
    void aLeaderThatShutsDownHandsTheLeaseOverWithoutWaitingForItToExpire() {
        var a = replica("a", new FakeRunner(), "60s", "40s");
        var b = replica("b", new FakeRunner(), "60s", "40s");
        await(a::isLeader);

        a.close();

        // far below the 60 s lease: b took over because a released it
        await(b::isLeader, Duration.ofSeconds(10));
    }

    void createProbe() {
        var probe = new SmtpProbe();
        probe.setMetadata(new ObjectMetaBuilder().withName("p").withNamespace("mail").build());
        probe.setSpec(new SmtpProbeSpec());
        probe.getSpec().setDomains(List.of("contoso.test"));
        probe.getSpec().setInterval("1h");
        client.resources(SmtpProbe.class).inNamespace("mail").resource(probe).create();
    }

    /** The leader renews every retry period, so the takeover is retried until it wins the race. */
    void stealLease(String holder, ZonedDateTime renewed, int seconds) {
        for (int attempt = 0; ; attempt++) {
            try {
                client.resources(Lease.class).inNamespace("ops").withName("smtp-probe-operator").edit(lease -> {
                    lease.getSpec().setHolderIdentity(holder);
                    lease.getSpec().setRenewTime(renewed);
                    lease.getSpec().setLeaseDurationSeconds(seconds);
                    return lease;
                });
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt > 20) {
                    throw e;
                }
            }
        }
    }
}
