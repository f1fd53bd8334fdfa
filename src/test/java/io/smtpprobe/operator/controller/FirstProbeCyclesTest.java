package io.smtpprobe.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.Limits;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.TlsMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Probe cycles of one namespace on ten slots, all of them due: a resource whose status states no
 * probe yet is probed before routine cycles that were due earlier, and only its first probe is.
 */
class FirstProbeCyclesTest {
    static final Duration INTERVAL = Duration.ofMinutes(5);
    final FakeRunner runner = new FakeRunner();
    final ProbeGate gate = new ProbeGate(10);
    final ProbeCycles cycles = new ProbeCycles(runner, gate, new Schedule(new Random(), 0), Clock.systemUTC());

    @Test
    void aNewResourcesFirstProbeRunsBeforeRoutineCyclesThatWereDueEarlier() {
        runner.hold = true;
        cycles.activate();
        for (int i = 0; i < 60; i++) {
            start(resource("r" + i, 1), probedLongAgo(1));
        }
        assertThat(runner.calls()).as("ten slots").isEqualTo(10);

        start(resource("fresh", 1), null);
        runner.probes.get(0).complete(Reports.allAccepted("r0.tenant.test"));

        assertThat(runner.requests.get(10).domains()).as("ahead of the 50 routine cycles due before it")
                .containsExactly("fresh.tenant.test");
    }

    @Test
    void aNewSpecCountsAsAFirstProbeToo() {
        runner.hold = true;
        cycles.activate();
        for (int i = 0; i < 20; i++) {
            start(resource("r" + i, 1), probedLongAgo(1));
        }
        // generation 2, while the status still states a probe of generation 1
        start(resource("edited", 2), probedLongAgo(1));
        runner.probes.get(0).complete(Reports.allAccepted("r0.tenant.test"));

        assertThat(runner.requests.get(10).domains()).containsExactly("edited.tenant.test");
    }

    @Test
    void onceItsFirstResultIsPublishedAResourceIsRoutine() {
        runner.hold = true;
        cycles.activate();
        for (int i = 0; i < 10; i++) {
            start(resource("r" + i, 1), probedLongAgo(1));
        }
        var fresh = resource("fresh", 1);
        var cycle = start(fresh, null);
        runner.probes.get(0).complete(Reports.allAccepted("r0.tenant.test"));
        runner.probes.get(10).complete(Reports.allAccepted("fresh.tenant.test"));
        cycles.published(cycle, cycle.finished());
        for (int i = 10; i < 15; i++) {
            start(resource("r" + i, 1), probedLongAgo(1));
        }
        assertThat(runner.requests.get(11).domains()).as("the slot its probe freed").containsExactly("r10.tenant.test");

        // due again (the test starts it at once): now it waits behind the routine cycles that came before it
        cycles.start(cycle, request("fresh.tenant.test"));
        runner.probes.get(1).complete(Reports.allAccepted("r1.tenant.test"));

        assertThat(runner.requests.get(12).domains()).containsExactly("r11.tenant.test");
    }

    private ProbeCycles.Cycle start(SmtpProbe resource, SmtpProbeStatus stored) {
        var cycle = cycles.of(resource);
        var wait = cycles.untilDue(cycle, stored, INTERVAL);
        assertThat(wait).as("due").isZero();
        cycles.start(cycle, request(resource.getMetadata().getName() + ".tenant.test"));
        return cycle;
    }

    private static SmtpProbe resource(String name, long generation) {
        var resource = new SmtpProbe();
        resource.setMetadata(new ObjectMetaBuilder().withNamespace("tenant").withName(name).withUid("uid-" + name)
                .withGeneration(generation).build());
        return resource;
    }

    /** A routine cycle: the status states a probe of this generation, an interval and more ago. */
    private static SmtpProbeStatus probedLongAgo(long generation) {
        return SmtpProbeStatus.builder().observedGeneration(generation)
                .lastProbeTime(Instant.now().minus(INTERVAL).minusSeconds(60).toString()).build();
    }

    private static ProbeRequest request(String domain) {
        var options = new ProbeOptions("probe.test", "", List.of(), Set.of(), TlsMode.Disabled, false, null, Timeouts.DEFAULT,
                Limits.DEFAULT);
        return new ProbeRequest(List.of(domain), List.of(), 25, MxPolicy.Preferred, options);
    }
}
