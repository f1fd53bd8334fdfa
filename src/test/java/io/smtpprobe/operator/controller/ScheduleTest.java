package io.smtpprobe.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    final Duration interval = Duration.ofMinutes(5);
    final Instant now = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void jitterStaysWithinTheConfiguredFraction() {
        var schedule = new Schedule(new Random(1), 0.1);
        var delays = IntStream.range(0, 1000).mapToObj(i -> schedule.next(interval)).toList();
        assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(Duration.ofSeconds(270), Duration.ofSeconds(330)));
        assertThat(delays.stream().distinct().count()).isGreaterThan(100);
    }

    @Test
    void sameSeedGivesTheSameSchedule() {
        var a = new Schedule(new Random(42), 0.2);
        var b = new Schedule(new Random(42), 0.2);
        assertThat(IntStream.range(0, 10).mapToObj(i -> a.next(interval)).toList())
                .isEqualTo(IntStream.range(0, 10).mapToObj(i -> b.next(interval)).toList());
    }

    @Test
    void noJitterMeansExactlyTheInterval() {
        assertThat(new Schedule(new Random(), 0).next(interval)).isEqualTo(interval);
    }

    @Test
    void newResourceOrChangedSpecIsProbedAtOnce() {
        var schedule = new Schedule(new Random(1), 0.1);
        assertThat(schedule.first(null, 1, interval, now)).isZero();
        assertThat(schedule.first(probedAt("2026-01-01T09:59:00Z", 1L), 2, interval, now)).isZero();
    }

    @Test
    void restartWaitsForTheProbeThatIsDue() {
        var schedule = new Schedule(new Random(1), 0.1);
        assertThat(schedule.first(probedAt("2026-01-01T09:58:00Z", 1L), 1, interval, now)).isEqualTo(Duration.ofMinutes(3));
        assertThat(schedule.first(probedAt("2026-01-01T09:00:00Z", 1L), 1, interval, now)).isLessThanOrEqualTo(Duration.ofSeconds(30));
    }

    static SmtpProbeStatus probedAt(String time, Long generation) {
        return new SmtpProbeStatus(generation, time, null, null, null, null, List.of(), List.of(), 0, null, null);
    }
}
