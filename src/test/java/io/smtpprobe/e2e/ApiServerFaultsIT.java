package io.smtpprobe.e2e;

import static io.smtpprobe.e2e.FaultScene.INTERVAL;
import static io.smtpprobe.e2e.FaultScene.awaitUntil;
import static io.smtpprobe.e2e.FaultScene.rcpt;
import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.testsupport.ControlPlane;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The API server misbehaving under a running operator, for real: it refuses status writes (a
 * ValidatingAdmissionPolicy, so every reconciliation of one resource throws), and it restarts, so that the
 * operator's watch resumes from a resourceVersion the new server no longer has (410 Gone) and relists.
 */
@Tag("e2e")
class ApiServerFaultsIT {
    static final String POLICY = "faults-refuse-status";

    @Test
    void aReconciliationThatThrowsIsRetriedAFewTimesAndTheScheduleGoesOn() {
        try (var scene = new FaultScene(ControlPlane.shared())) {
            String ns = scene.namespace("faults-refused");
            refuseStatusWrites(scene, ns, "refused");
            scene.apply(ns, scene.probe("refused", INTERVAL));
            scene.apply(ns, scene.probe("control", INTERVAL));
            long deniedBefore = denials(scene);
            OperatorProcess operator = scene.startOperator(ns, scene.controlPlane.kubeconfigPath(),
                    Map.of("SMTPPROBE_LEADER_ELECTION_ENABLED", "false"));

            // Two probe cycles whose status writes are refused, each attempted smtpprobe.status-write-attempts (3) times.
            awaitUntil(INTERVAL.plus(Duration.ofSeconds(30)), () -> scene.sink.count(rcpt("refused")) == 2, operator::log);
            OperatorProcess.sleep(5_000);
            long denied = denials(scene) - deniedBefore;
            assertThat(scene.sink.count(rcpt("refused"))).isEqualTo(2);
            System.out.printf("status writes refused: %d for 2 probes; gaps between probes %s ms%n", denied,
                    scene.gapsMillis(rcpt("refused")));
            assertThat(denied).as("write attempts the API server refused: 3 per probe, then the result is dropped")
                    .isEqualTo(6);
            assertThat(scene.jsonpath(ns, "refused", "{.status.result}")).isEmpty();
            assertThat(scene.jsonpath(ns, "control", "{.status.result}")).isEqualTo("Success");
            assertThat(scene.gapsMillis(rcpt("refused"))).as("the schedule went on at the interval")
                    .allSatisfy(gap -> assertThat(gap).isBetween(INTERVAL.toMillis() - 1_000, INTERVAL.toMillis() + 3_000));
            assertThat(operator.log()).contains("status of faults-refused/refused not written");

            // The API server accepts again: the next probe's status is written.
            scene.controlPlane.kubectl("delete", "validatingadmissionpolicybinding", POLICY);
            awaitUntil(INTERVAL.plus(Duration.ofSeconds(15)),
                    () -> scene.jsonpath(ns, "refused", "{.status.result}").equals("Success"), operator::log);
            assertThat(scene.sink.count(rcpt("refused"))).isEqualTo(3);
        } finally {
            ControlPlane.shared().kubectl("delete", "validatingadmissionpolicybinding,validatingadmissionpolicy", POLICY,
                    "--ignore-not-found");
        }
    }

    @Test
    void aWatchResumedAfterTheApiServerRestartedGetsGoneRelistsAndNeitherLosesNorRepeatsAProbe() {
        try (var controlPlane = ControlPlane.start(); var scene = new FaultScene(controlPlane)) {
            String ns = scene.namespace("faults-relist");
            List<String> steady = List.of("steady-a", "steady-b", "steady-c");
            steady.forEach(name -> scene.apply(ns, scene.probe(name, INTERVAL)));
            scene.apply(ns, scene.probe("edited", INTERVAL));
            scene.apply(ns, scene.probe("removed", INTERVAL));
            var proxy = scene.proxy();
            OperatorProcess operator = scene.startOperator(ns, scene.kubeconfigThrough(proxy), Map.of(
                    "SMTPPROBE_LEADER_ELECTION_ENABLED", "false",
                    // fabric8's informer says at DEBUG when a watch ended in 410 Gone and it relists
                    "QUARKUS_LOG_CATEGORY__IO_FABRIC8_KUBERNETES_CLIENT_INFORMERS_IMPL_CACHE__LEVEL", "DEBUG"));
            awaitUntil(Duration.ofSeconds(60), () -> List.of("steady-a", "steady-b", "steady-c", "edited", "removed").stream()
                    .allMatch(n -> !scene.jsonpath(ns, n, "{.status.lastProbeTime}").isEmpty()), operator::log);

            // Cut off, the operator misses the restart and the changes made after it.
            proxy.refuse();
            // A write the operator cannot see, so that etcd's revision is past anything it saw when the new server starts.
            controlPlane.kubectl("create", "configmap", "missed", "-n", ns);
            controlPlane.restartApiServer();
            scene.apply(ns, scene.probe("edited", INTERVAL).replace(rcpt("edited"), rcpt("edited-again")));
            scene.apply(ns, scene.probe("added", INTERVAL));
            controlPlane.kubectl("delete", "smtpprobe", "removed", "-n", ns);
            proxy.heal();

            // The new server's metrics count from its start: a LIST of smtpprobes is the informer's relist (kubectl here
            // only GETs single objects), which fabric8 does only on 410 Gone. Its watch backs off up to 32 s while cut off.
            awaitUntil(Duration.ofSeconds(60), () -> smtpProbeLists(controlPlane) > 0, operator::log);
            System.out.printf("relisted after the restart; fabric8 logged 410 Gone: %s%n",
                    operator.log().contains("Watch restarting due to http gone"));
            awaitUntil(Duration.ofSeconds(30), () -> scene.jsonpath(ns, "edited", "{.status.observedGeneration}").equals("2")
                    && !scene.jsonpath(ns, "added", "{.status.result}").isEmpty(), operator::log);
            long removedProbes = scene.sink.count(rcpt("removed"));
            // Every unchanged resource: its second probe one interval after its first, none between, none lost.
            awaitUntil(INTERVAL.plus(Duration.ofSeconds(30)), () -> steady.stream().allMatch(n -> scene.sink.count(rcpt(n)) >= 2),
                    operator::log);
            OperatorProcess.sleep(3_000);
            for (String name : steady) {
                assertThat(scene.sink.count(rcpt(name))).as("probes of %s", name).isEqualTo(2);
                assertThat(scene.gapsMillis(rcpt(name))).as("ms between the probes of %s", name).singleElement()
                        .satisfies(gap -> assertThat(gap).isBetween(INTERVAL.toMillis() - 1_000, INTERVAL.toMillis() + 3_000));
            }
            assertThat(scene.sink.count(rcpt("edited-again"))).isEqualTo(1);
            assertThat(scene.sink.count(rcpt("removed"))).as("deleted while the operator was cut off: not probed after the relist")
                    .isEqualTo(removedProbes);
        }
    }

    /** A ValidatingAdmissionPolicy denying every status write of one resource; returns once it is in force. */
    private static void refuseStatusWrites(FaultScene scene, String namespace, String name) {
        scene.apply(null, """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata:
                  name: %1$s
                spec:
                  failurePolicy: Fail
                  matchConstraints:
                    resourceRules:
                    - apiGroups: ["smtpprobe.io"]
                      apiVersions: ["*"]
                      operations: ["UPDATE"]
                      resources: ["smtpprobes/status"]
                  validations:
                  - expression: "object.metadata.namespace != '%2$s' || object.metadata.name != '%3$s'"
                    message: "status writes of %2$s/%3$s are refused by ApiServerFaultsIT"
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata:
                  name: %1$s
                spec:
                  policyName: %1$s
                  validationActions: [Deny]
                """.formatted(POLICY, namespace, name));
        // The policy's own informer takes a moment; a dry-run write shows when it bites.
        scene.apply(namespace, scene.probe(name, INTERVAL));
        awaitUntil(Duration.ofSeconds(30), () -> {
            try {
                scene.controlPlane.kubectl("patch", "smtpprobe", name, "-n", namespace, "--subresource=status", "--type=merge",
                        "--dry-run=server", "-p", "{\"status\":{\"message\":\"dry run\"}}");
                return false;
            } catch (IllegalStateException refused) {
                return refused.getMessage().contains("refused by ApiServerFaultsIT");
            }
        }, () -> "the policy never refused a status write");
    }

    /** LISTs of smtpprobes the API server answered since it started. */
    private static long smtpProbeLists(ControlPlane controlPlane) {
        return controlPlane.kubectl("get", "--raw", "/metrics").lines()
                .filter(line -> line.startsWith("apiserver_request_total{"))
                .filter(line -> line.contains("resource=\"smtpprobes\"") && line.contains("verb=\"LIST\"")
                        && line.contains("subresource=\"\""))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Status writes the policy refused so far, from the API server's own metric. */
    private static long denials(FaultScene scene) {
        return scene.controlPlane.kubectl("get", "--raw", "/metrics").lines()
                .filter(line -> line.startsWith("apiserver_validating_admission_policy_check_total{"))
                .filter(line -> line.contains("policy=\"" + POLICY + "\"") && line.contains("enforcement_action=\"deny\""))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
