package io.smtpprobe.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.core.Limits;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.TlsMode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Probe cycles of two namespaces on the operator's ten slots, with probes that end when the test says. */
class FairShareTest {
    final FakeRunner runner = new FakeRunner();
    final ProbeGate gate = new ProbeGate(10);
    final ProbeCycles cycles = new ProbeCycles(runner, gate, new Schedule(new Random(), 0), Clock.systemUTC());

    @Test
    void aNamespaceWithTwoResourcesProbesWithinOneSlotTurnoverOfOneWithAHundred() {
        runner.hold = true;
        cycles.activate();
        for (int i = 0; i < 100; i++) {
            start("big", "r" + i);
        }
        start("small", "a");
        start("small", "b");
        assertThat(runner.calls()).as("the big namespace took every slot first").isEqualTo(10);

        runner.probes.get(0).complete(Reports.allAccepted("r0.big.test"));
        runner.probes.get(1).complete(Reports.allAccepted("r1.big.test"));

        assertThat(runner.requests).extracting(r -> r.domains().get(0)).as("the next two slots went to the small namespace")
                .endsWith("a.small.test", "b.small.test").hasSize(12);
        assertThat(gate.running("small")).isEqualTo(2);
        assertThat(gate.running("big")).isEqualTo(8);
        assertThat(gate.waiting("big")).isEqualTo(90);

        runner.probes.get(2).complete(Reports.allAccepted("r2.big.test"));
        assertThat(runner.requests.get(12).domains()).containsExactly("r10.big.test");
    }

    @Test
    void aDeletedWaitingResourceHoldsNoPlace() {
        runner.hold = true;
        cycles.activate();
        for (int i = 0; i < 10; i++) {
            start("big", "r" + i);
        }
        start("small", "a");
        start("big", "r10");
        cycles.forget(ResourceKey.of("small", "a"));

        runner.probes.get(0).complete(Reports.allAccepted("r0.big.test"));

        assertThat(runner.requests.get(10).domains()).containsExactly("r10.big.test");
        assertThat(gate.waiting("small")).isZero();
    }

    private void start(String namespace, String name) {
        var resource = new SmtpProbe();
        resource.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withUid(namespace + "-" + name)
                .withGeneration(1L).build());
        var cycle = cycles.of(resource);
        cycles.untilDue(cycle, null, Duration.ofMinutes(5));
        cycles.start(cycle, request(name + "." + namespace + ".test"));
    }

    private static ProbeRequest request(String domain) {
        var options = new ProbeOptions("probe.test", "", List.of(), Set.of(), TlsMode.Disabled, false, null, Timeouts.DEFAULT,
                Limits.DEFAULT);
        return new ProbeRequest(List.of(domain), List.of(), 25, MxPolicy.Preferred, options);
    }
}
