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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A wall-clock step (NTP correcting a drifted node, a VM resumed, an admin's {@code date -s}) must
 * neither double nor stall a schedule: probe cycles count the time to the next probe on the
 * monotonic clock; the wall clock only stamps the times written to {@code .status}.
 *
 * <p>The reconciler asks {@link ProbeCycles#untilDue} whenever the SDK's timer (itself monotonic)
 * wakes it; the tests do the same over six simulated hours of probing, one minute at a time, with the
 * wall clock stepped once in the middle.
 */
class ClockJumpTest {
    static final Duration INTERVAL = Duration.ofMinutes(5);
    static final Duration STEP = Duration.ofMinutes(1);
    static final Duration RUN = Duration.ofHours(6);

    final FakeRunner runner = new FakeRunner();
    final MutableClock wall = new MutableClock(Instant.parse("2026-03-29T00:30:00Z"));
    final AtomicLong monotonic = new AtomicLong(123_456_789L);
    final ProbeCycles cycles = new ProbeCycles(runner, new ProbeGate(10), new Schedule(new Random(7), 0), wall,
            monotonic::get);

    @ParameterizedTest(name = "wall clock stepped by {0} minutes")
    @ValueSource(longs = {60, -60, 0})
    void aWallClockStepNeitherDoublesNorStallsTheSchedule(long stepMinutes) {
        cycles.activate();
        var resource = resource();
        var probeTimes = new ArrayList<Duration>();
        for (Duration elapsed = Duration.ZERO; elapsed.compareTo(RUN) <= 0; elapsed = elapsed.plus(STEP)) {
            if (elapsed.equals(Duration.ofMinutes(182))) {
                wall.advance(Duration.ofMinutes(stepMinutes));
            }
            reconcile(resource, elapsed, probeTimes);
            advance(STEP);
        }
        // One probe every 5 minutes from 0 to 360, the step or not: 73, at exactly the same moments.
        assertThat(probeTimes).hasSize(73);
        for (int i = 0; i < probeTimes.size(); i++) {
            assertThat(probeTimes.get(i)).as("probe %d", i).isEqualTo(INTERVAL.multipliedBy(i));
        }
    }

    @ParameterizedTest(name = "wall clock stepped by {0} minutes")
    @ValueSource(longs = {60, -60})
    void theTimeToTheNextProbeIsTheSameAfterAStep(long stepMinutes) {
        cycles.activate();
        var resource = resource();
        var cycle = cycles.of(resource);
        assertThat(cycles.untilDue(cycle, null, INTERVAL)).isZero();
        cycles.start(cycle, request());
        var finished = cycle.finished();
        assertThat(finished.at()).as("the status is stamped with the wall clock").isEqualTo(wall.instant());
        assertThat(cycles.published(cycle, finished)).isEqualTo(INTERVAL);

        advance(Duration.ofMinutes(2));
        wall.advance(Duration.ofMinutes(stepMinutes));

        assertThat(cycles.untilDue(cycle, null, INTERVAL)).isEqualTo(Duration.ofMinutes(3));
        assertThat(cycles.giveUp(ResourceKey.of(resource))).isEqualTo(Duration.ofMinutes(3));
    }

    /** What the reconciler does with one wake-up: publish a finished probe, or start one that is due. */
    private void reconcile(SmtpProbe resource, Duration elapsed, List<Duration> probeTimes) {
        var cycle = cycles.of(resource);
        var finished = cycle.finished();
        if (finished != null) {
            cycles.published(cycle, finished);
        }
        if (cycles.untilDue(cycle, null, INTERVAL).isZero()) {
            int before = runner.calls();
            cycles.start(cycle, request());
            if (runner.calls() > before) {
                probeTimes.add(elapsed);
                // the result is in status at once, as a reconciliation would publish it
                cycles.published(cycle, cycle.finished());
            }
        }
    }

    private void advance(Duration d) {
        monotonic.addAndGet(d.toNanos());
        wall.advance(d);
    }

    private static SmtpProbe resource() {
        var resource = new SmtpProbe();
        resource.setMetadata(new ObjectMetaBuilder().withNamespace("mail").withName("jumpy").withUid("uid-jumpy")
                .withGeneration(1L).build());
        return resource;
    }

    private static ProbeRequest request() {
        var options = new ProbeOptions("probe.test", "", List.of(), Set.of(), TlsMode.Disabled, false, null, Timeouts.DEFAULT,
                Limits.DEFAULT);
        return new ProbeRequest(List.of("jumpy.test"), List.of(), 25, MxPolicy.Preferred, options);
    }
}
