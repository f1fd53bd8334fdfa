package io.smtpprobe.operator;

import static io.smtpprobe.operator.SmtpProbeReconcilerTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.api.SmtpProbe;
import io.smtpprobe.api.SmtpProbeSpec;
import java.io.FileInputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {
    KubernetesClient client;
    final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void installCrd() throws Exception {
        try (var in = new FileInputStream("crds/smtpprobes.smtpprobe.io-v1.yml")) {
            client.apiextensions().v1().customResourceDefinitions().load(in).create();
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (var c : cleanup) {
            c.close();
        }
    }

    SmtpProbeOperator replica(String identity, FakeRunner runner) {
        var settings = OperatorSettings.defaults().withMinInterval(Duration.ofMillis(100))
                .withLeaderElection(true, "smtp-probe-operator", "ops", identity,
                        Duration.ofMillis(1000), Duration.ofMillis(800), Duration.ofMillis(100));
        ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
        var holder = new SmtpProbeOperator[1];
        var reconciler = new SmtpProbeReconciler(runner, control, Clock.systemUTC(), settings, new Schedule(new Random(1), 0),
                new StatusWriter(client, 3), new ProbeEvents(client, Clock.systemUTC()), new ProbeMetrics(new SimpleMeterRegistry()),
                new LatestResults(), key -> holder[0].get(key.substring(0, key.indexOf('/')), key.substring(key.indexOf('/') + 1)));
        holder[0] = new SmtpProbeOperator(client, settings, reconciler);
        holder[0].start();
        cleanup.add(0, control::shutdownNow);
        cleanup.add(0, holder[0]);
        return holder[0];
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
        var a = replica("a", runnerA);
        await(a::isLeader);
        var runnerB = new FakeRunner();
        var b = replica("b", runnerB);
        createProbe();
        await(() -> runnerA.calls() == 1);

        a.close();

        await(b::isLeader);
        await(() -> runnerB.calls() == 1);
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
