package io.smtpprobe.operator.controller;

import static io.smtpprobe.operator.controller.Probes.await;
import static io.smtpprobe.operator.controller.Probes.create;
import static io.smtpprobe.operator.controller.Probes.edit;
import static io.smtpprobe.operator.controller.Probes.sleep;
import static io.smtpprobe.operator.controller.Probes.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.api.v1alpha1.Outcome;
import io.smtpprobe.operator.metrics.ProbeMetrics;
import io.smtpprobe.operator.status.Conditions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How the operator behaves when its world moves under it: dropped watches, restarts, edits mid-probe, many idle resources. */
class OperatorResilienceTest {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();
    KubernetesClient client;

    @BeforeEach
    void client() {
        client = cluster.client();
    }

    OperatorRuntime start(KubernetesClient on, FakeRunner runner) {
        return start(on, runner, new SimpleMeterRegistry());
    }

    OperatorRuntime start(KubernetesClient on, FakeRunner runner, SimpleMeterRegistry registry) {
        return cluster.operator(on, runner, TestConfig.operator(), registry);
    }

    /**
     * The watch breaks and is re-established from the last resource version, as after a network blip or
     * an API server restart. The mock API server cannot replay a deletion missed meanwhile (a real one
     * replays it or answers 410 Gone, which makes the informer list again), so only additions and edits
     * happen during the gap.
     */
    @Test
    void droppedWatchIsReestablishedWithoutLosingOrRepeatingProbes() {
        var proxy = cluster.closeAfter(new DroppableProxy(URI.create(cluster.server().url("/")).getPort()));
        var master = URI.create(client.getConfiguration().getMasterUrl());
        KubernetesClient viaProxy = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withMasterUrl(master.getScheme() + "://" + master.getHost() + ":" + proxy.port() + "/")
                .withWatchReconnectInterval(100)
                .build()).build();
        cluster.closeAfter(viaProxy::close);
        var runner = new FakeRunner();
        var operator = start(viaProxy, runner);
        for (String name : List.of("kept", "changed")) {
            create(client, name, s -> {
                s.setDomains(List.of(name + ".test"));
                s.setInterval("1h");
            });
        }
        await(() -> runner.calls() == 2 && operator.statusWriter().writes() == 2);

        proxy.cut();
        await(() -> !operator.isWatching());
        create(client, "added", s -> {
            s.setDomains(List.of("added.test"));
            s.setInterval("1h");
        });
        edit(client, "changed", p -> p.getSpec().setDomains(List.of("changed-again.test")));
        edit(client, "kept", p -> p.getMetadata().setLabels(Map.of("team", "mail")));
        proxy.resume();

        await(operator::isWatching);
        await(() -> runner.calls() == 4);
        await(() -> status(client, "changed").observedGeneration() == 2L && status(client, "added") != null);
        sleep(500);
        assertThat(runner.requests).extracting(r -> r.domains().get(0))
                .containsExactlyInAnyOrder("kept.test", "changed.test", "added.test", "changed-again.test");
        assertThat(operator.statusWriter().writes()).isEqualTo(4);
        assertThat(status(client, "added").result()).isEqualTo(Outcome.Success);
    }

    @Test
    void restartedOperatorContinuesFromTheStoredStatus() {
        var before = new FakeRunner();
        before.answer = r -> Reports.userUnknown(r.domains().get(0));
        var first = start(client, before);
        create(client, "a", s -> {
            s.setDomains(List.of("fabrikam.test"));
            s.setInterval("3s");
        });
        await(() -> status(client, "a") != null && status(client, "a").consecutiveFailures() == 1);
        var stored = status(client, "a");
        String notReadySince = Conditions.find(stored.conditions(), Conditions.READY).orElseThrow().getLastTransitionTime();
        first.close();

        var after = new FakeRunner();
        after.answer = before.answer;
        var registry = new SimpleMeterRegistry();
        start(client, after, registry);
        // Alerts on failures in a row see the stored count at once, not a reset to zero.
        await(() -> registry.find(ProbeMetrics.CONSECUTIVE_FAILURES).tag("name", "a").gauge() != null);
        assertThat(registry.find(ProbeMetrics.CONSECUTIVE_FAILURES).tag("name", "a").gauge().value()).isEqualTo(1.0);

        // The probe is not due yet: the new instance waits for it instead of probing at start.
        sleep(1000);
        assertThat(after.calls()).isZero();
        await(() -> after.calls() == 1);
        await(() -> status(client, "a").consecutiveFailures() == 2);
        var continued = status(client, "a");
        assertThat(Conditions.find(continued.conditions(), Conditions.READY).orElseThrow().getLastTransitionTime())
                .isEqualTo(notReadySince);
        assertThat(continued.lastResultChangeTime()).isEqualTo(stored.lastResultChangeTime());
        assertThat(continued.lastProbeTime()).isNotEqualTo(stored.lastProbeTime());
    }

    @Test
    void specChangedMidProbeProbesTheNewGenerationAndDropsTheStaleResult() {
        var runner = new FakeRunner();
        runner.hold = true;
        var operator = start(client, runner);
        create(client, "a", s -> s.setDomains(List.of("old.test")));
        await(() -> runner.calls() == 1);

        edit(client, "a", p -> p.getSpec().setDomains(List.of("new.test")));
        await(() -> runner.calls() == 2);
        assertThat(runner.requests.get(1).domains()).containsExactly("new.test");
        runner.probes.get(1).complete(Reports.allAccepted("new.test"));
        await(() -> status(client, "a") != null);
        // The old probe answering late, however it got past cancellation, must not overwrite the new result.
        runner.probes.get(0).complete(Reports.userUnknown("old.test"));
        sleep(300);

        var status = status(client, "a");
        assertThat(runner.probes.get(0).isCancelled()).isTrue();
        assertThat(status.observedGeneration()).isEqualTo(2L);
        assertThat(status.result()).isEqualTo(Outcome.Success);
        assertThat(status.domains()).extracting(d -> d.domain()).containsExactly("new.test");
        assertThat(operator.statusWriter().writes()).isEqualTo(1);
        assertThat(operator.results().get(ResourceKey.of(Probes.NS, "a")).orElseThrow().generation()).isEqualTo(2L);
    }

    @Test
    void idleOperatorWritesEachStatusOncePerIntervalAndIgnoresItsOwnWrites() throws Exception {
        int n = 50;
        var runner = new FakeRunner();
        var operator = start(client, runner);
        IntStream.range(0, n).forEach(i -> create(client, "p" + i, s -> {
            s.setDomains(List.of("d" + i + ".test"));
            s.setInterval("1s");
        }));
        await(() -> operator.statusWriter().writes() >= n);
        drainRequests();
        int probesBefore = runner.calls();

        sleep(3000);

        int statusWrites = 0;
        for (String request : drainRequests()) {
            if (request.matches("(PUT|PATCH) /apis/smtpprobe.io/v1alpha1/namespaces/mail/smtpprobes/[^/]+/status.*")) {
                statusWrites++;
            }
        }
        int probes = runner.calls() - probesBefore;
        assertThat(statusWrites).as("status writes in 3 intervals").isBetween(2 * n, 4 * n);
        // A write that came back as a reconcile would show up as a probe without its own interval.
        assertThat(probes).isBetween(statusWrites - n, statusWrites + n);
        assertThat(runner.requests.stream().map(ProbeRequest::domains).distinct()).hasSize(n);
    }

    List<String> drainRequests() throws InterruptedException {
        var seen = new ArrayList<String>();
        for (var r = cluster.server().takeRequest(50, TimeUnit.MILLISECONDS); r != null; r = cluster.server().takeRequest(50, TimeUnit.MILLISECONDS)) {
            seen.add(r.getMethod() + " " + r.getPath());
        }
        return seen;
    }
}
