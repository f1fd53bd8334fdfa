package io.smtpprobe.operator.status;

import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import java.util.Objects;

/**
 * Decides whether a status write is worth it. The probe times move on every cycle and alone do
 * not justify a write outside a completed cycle; every other difference does.
 */
public final class StatusDiff {
    private StatusDiff() {
    }

    public static boolean equalIgnoringProbeTimes(SmtpProbeStatus a, SmtpProbeStatus b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(a.withoutProbeTimes(), b.withoutProbeTimes());
    }

    public static boolean changed(SmtpProbeStatus stored, SmtpProbeStatus computed) {
        return !equalIgnoringProbeTimes(stored, computed);
    }
}
