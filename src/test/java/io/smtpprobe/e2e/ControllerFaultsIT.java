package io.smtpprobe.e2e;

import static io.smtpprobe.e2e.FaultScene.INTERVAL;
import static io.smtpprobe.e2e.FaultScene.awaitUntil;
import static io.smtpprobe.e2e.FaultScene.millisSince;
import static io.smtpprobe.e2e.FaultScene.rcpt;
import static io.smtpprobe.e2e.FaultScene.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.testsupport.ControlPlane;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Controller faults on the real kube-apiserver, with the packaged operator as a process whose API server
 * connection runs through a relay the test cuts ({@link io.smtpprobe.testsupport.ApiServerProxy}), probing a
 * sink that logs every RCPT TO, each resource with its own recipient: the tests count every resource's probes.
 * Each test has its own namespace (the operator watches only that one), Lease and operator.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControllerFaultsIT {
    static final Duration LEASE_DURATION = Duration.ofSeconds(10);
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(6);
    static final Duration RETRY_PERIOD = Duration.ofSeconds(1);

    FaultScene scene;

    @BeforeAll
    void scene() {
        scene = new FaultScene(ControlPlane.shared());
    }

    @AfterEach
    void stopOperators() {
        scene.reset();
    }

    @AfterAll
    void closeScene() {
        if (scene != null) {
            scene.close();
        }
    }

    @Test
    void readinessIsDownWhileNoWatchIsEstablishedAndUpOnceItIs() {
        String ns = scene.namespace("faults-ready");
        scene.apply(ns, scene.probe("steady", INTERVAL));
        var proxy = scene.proxy();
        OperatorProcess operator = scene.startOperator(ns, scene.kubeconfigThrough(proxy),
                Map.of("SMTPPROBE_LEADER_ELECTION_ENABLED", "false"));
        assertThat(scene.health(operator, "/q/health/ready")).isEqualTo(200);

        proxy.refuse();
        long cut = System.nanoTime();
        awaitUntil(Duration.ofSeconds(30), () -> scene.health(operator, "/q/health/ready") == 503, operator::log);
        System.out.printf("readiness DOWN %d ms after the API server went away%n", millisSince(cut));
        assertThat(scene.health(operator, "/q/health/live")).as("alive all along: only readiness follows the watch").isEqualTo(200);

        proxy.heal();
        long healed = System.nanoTime();
        awaitUntil(Duration.ofSeconds(60), () -> scene.health(operator, "/q/health/ready") == 200, operator::log);
        System.out.printf("readiness UP %d ms after the API server came back%n", millisSince(healed));
    }

    @Test
    void aLeaderCutOffFromTheApiServerStopsProbingBeforeItsLeaseCanExpire() {
        String ns = scene.namespace("faults-partition");
        // Twenty resources whose probes spread over the interval (jitter 0.9), so the sink hears one every few seconds.
        List<String> names = IntStream.range(0, 20).mapToObj(i -> "p" + i).toList();
        names.forEach(name -> scene.apply(ns, scene.probe(name, INTERVAL)));
        var proxy = scene.proxy();
        OperatorProcess operator = scene.startOperator(ns, scene.kubeconfigThrough(proxy), Map.of(
                "SMTPPROBE_SCHEDULE_JITTER", "0.9",
                "SMTPPROBE_LEADER_ELECTION_LEASE_NAME", "faults-partition",
                "SMTPPROBE_LEADER_ELECTION_NAMESPACE", ns,
                "SMTPPROBE_LEADER_ELECTION_LEASE_DURATION", seconds(LEASE_DURATION),
                "SMTPPROBE_LEADER_ELECTION_RENEW_DEADLINE", seconds(RENEW_DEADLINE),
                "SMTPPROBE_LEADER_ELECTION_RETRY_PERIOD", seconds(RETRY_PERIOD)));
        awaitUntil(Duration.ofSeconds(60), () -> names.stream().allMatch(n -> scene.sink.count(rcpt(n)) > 0), operator::log);
        // Into the second round, where the jittered probes come one by one, 3 to 57 s after the first.
        long firstRoundDone = System.nanoTime();
        OperatorProcess.sleep(16_000);
        int probedBeforeTheCut = scene.sink.since(firstRoundDone).size();

        proxy.partition();
        long cut = System.nanoTime();
        java.time.Instant cutWall = java.time.Instant.now();
        // Another replica may take the lease once its last renewal (at most a retry period before the cut) is
        // LEASE_DURATION old; the holder must have stopped before that.
        OperatorProcess.sleep(LEASE_DURATION.plus(Duration.ofSeconds(15)).toMillis());
        // The renewTime the API server kept is the last renewal that went through before the cut.
        java.time.Instant lastRenewal = java.time.Instant.parse(scene.controlPlane.kubectl("get", "lease", "faults-partition",
                "-n", ns, "-o", "jsonpath={.spec.renewTime}").strip());
        long takeoverMs = Duration.between(cutWall, lastRenewal.plus(LEASE_DURATION)).toMillis();

        var after = scene.sink.since(cut).stream().map(r -> Duration.ofNanos(r.nanos() - cut).toMillis()).toList();
        System.out.printf("%d probes in the 16 s before the cut; after it, probes at %s ms; another replica could take the"
                + " lease %d ms after the cut; operator alive: %s%n", probedBeforeTheCut, after, takeoverMs, operator.isAlive());
        assertThat(probedBeforeTheCut).as("probes the sink heard in the 16 s before the cut (the test's power)").isPositive();
        assertThat(takeoverMs).as("the last renewal was before the cut").isLessThanOrEqualTo(LEASE_DURATION.toMillis());
        assertThat(after).as("ms after the cut of each probe, against the moment another replica could take the lease")
                .allSatisfy(ms -> assertThat(ms).isLessThan(takeoverMs));
        assertThat(operator.log()).contains("probing stopped");
    }

    @Test
    void changesMadeWhileTheOperatorIsDownConvergeOnRestart() {
        String ns = scene.namespace("faults-offline");
        scene.apply(ns, scene.probe("kept", INTERVAL));
        scene.apply(ns, scene.probe("edited", INTERVAL));
        scene.apply(ns, scene.probe("deleted", INTERVAL));
        Map<String, String> settings = Map.of("SMTPPROBE_LEADER_ELECTION_ENABLED", "false");
        var kubeconfig = scene.controlPlane.kubeconfigPath();
        OperatorProcess first = scene.startOperator(ns, kubeconfig, settings);
        awaitUntil(Duration.ofSeconds(60), () -> List.of("kept", "edited", "deleted").stream()
                .allMatch(n -> !scene.jsonpath(ns, n, "{.status.lastProbeTime}").isEmpty()), first::log);
        first.stop();

        scene.apply(ns, scene.probe("created", INTERVAL));
        scene.apply(ns, scene.probe("edited", INTERVAL).replace(rcpt("edited"), rcpt("edited-again")));
        scene.controlPlane.kubectl("delete", "smtpprobe", "deleted", "-n", ns);
        long deletedProbes = scene.sink.count(rcpt("deleted"));

        OperatorProcess second = scene.startOperator(ns, kubeconfig, settings);
        awaitUntil(Duration.ofSeconds(30), () -> scene.jsonpath(ns, "edited", "{.status.observedGeneration}").equals("2")
                && !scene.jsonpath(ns, "created", "{.status.result}").isEmpty(), second::log);

        assertThat(scene.jsonpath(ns, "created", "{.status.observedGeneration} {.status.result} {.status.reason}"))
                .isEqualTo("1 Success Accepted");
        assertThat(scene.jsonpath(ns, "edited", "{.status.result}")).isEqualTo("Success");
        assertThat(scene.sink.count(rcpt("edited-again"))).isPositive();
        assertThat(scene.sink.count(rcpt("deleted"))).as("a resource deleted while down is not probed").isEqualTo(deletedProbes);
        assertThat(scene.controlPlane.kubectl("get", "smtpprobes", "-n", ns, "-o", "name").lines().sorted().toList())
                .containsExactly("smtpprobe.smtpprobe.io/created", "smtpprobe.smtpprobe.io/edited", "smtpprobe.smtpprobe.io/kept");
    }
}
