package io.smtpprobe.operator.controller;

import io.smtpprobe.operator.status.Timestamps;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/**
 * When to probe next. Jitter spreads resources created together (a Helm release, an operator
 * restart) over the interval, so that mail servers and the API server see a steady trickle
 * instead of bursts.
 */
public final class Schedule {
    private final Random random;
    private final double jitter;

    /** @param jitter fraction of the interval, e.g. 0.1 for ±10% */
    public Schedule(Random random, double jitter) {
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1)");
        }
        this.random = random;
        this.jitter = jitter;
    }

    /** The delay after a completed probe. */
    public synchronized Duration next(Duration interval) {
        double factor = 1 + jitter * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.round(interval.toMillis() * factor)));
    }

    /**
     * The delay before the first probe this process runs: at once for a new resource or spec,
     * otherwise when the stored status says the next probe is due, so a restart does not probe
     * everything at the same moment.
     */
    public synchronized Duration first(SmtpProbeStatus status, long generation, Duration interval, Instant now) {
        if (unprobed(status, generation)) {
            return Duration.ZERO;
        }
        Instant due = Timestamps.parse(status.lastProbeTime()).plus(interval);
        if (!due.isAfter(now)) {
            return Duration.ofMillis(Math.round(random.nextDouble() * interval.toMillis() * jitter));
        }
        Duration remaining = Duration.between(now, due);
        return remaining.compareTo(interval) > 0 ? next(interval) : remaining;
    }

    /** No probe of this generation is in the status yet: a new resource or a new spec, whose first probe comes first. */
    public static boolean unprobed(SmtpProbeStatus status, long generation) {
        return status == null || status.observedGeneration() == null || status.observedGeneration() != generation
                || status.lastProbeTime() == null;
    }
}
