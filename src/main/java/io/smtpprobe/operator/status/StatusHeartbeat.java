package io.smtpprobe.operator.status;

import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.request.Durations;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a completed probe's status must be written ({@code smtpprobe.status-heartbeat}). Off, every
 * probe is written. On, a probe that found the stored verdict again is written only once the stored
 * {@code lastProbeTime} is a heartbeat old: 20,000 healthy resources probed every 5 minutes then cost
 * about 20,000 × 60 / heartbeat writes an hour instead of 240,000. A changed verdict is written in the
 * same cycle, whatever the heartbeat, and the status names the heartbeat so that a reader can tell how
 * old {@code lastProbeTime} may be.
 */
public final class StatusHeartbeat {
    public static final StatusHeartbeat OFF = new StatusHeartbeat(Duration.ZERO);

    private final Duration period;

    public StatusHeartbeat(Duration period) {
        if (period.isNegative()) {
            throw new IllegalArgumentException("smtpprobe.status-heartbeat must not be negative: " + period);
        }
        this.period = period;
    }

    public boolean isOff() {
        return period.isZero();
    }

    /** The probe's status as it is written: naming the heartbeat, so that the status says how fresh it is. */
    public SmtpProbeStatus stamp(SmtpProbeStatus probed) {
        return probed.toBuilder().heartbeat(isOff() ? null : Durations.format(period)).build();
    }

    /** @param probed a completed probe's status, {@link #stamp stamped} */
    public boolean mustWrite(SmtpProbeStatus stored, SmtpProbeStatus probed) {
        if (isOff() || stored == null || stored.lastProbeTime() == null || probed.lastProbeTime() == null) {
            return true;
        }
        if (!StatusDiff.sameVerdict(stored, probed)) {
            return true;
        }
        Instant written = Timestamps.parse(stored.lastProbeTime());
        Instant now = Timestamps.parse(probed.lastProbeTime());
        // a stored time in the future (a clock step back) is no reason to stay silent
        return !now.isBefore(written.plus(period)) || now.isBefore(written);
    }
}
