package io.smtpprobe.operator.status;

import io.smtpprobe.api.v1alpha1.DomainStatus;
import io.smtpprobe.api.v1alpha1.ServerStatus;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import java.util.List;
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

    /**
     * The same verdict: equal but for what every probe measures anew (its times, history entry and
     * the servers' stage latencies). Result, reason, message, conditions, failure count and every
     * domain's and server's outcome, reply, extensions and TLS facts must all be equal.
     */
    public static boolean sameVerdict(SmtpProbeStatus a, SmtpProbeStatus b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(withoutMeasurements(a.withoutProbeTimes()), withoutMeasurements(b.withoutProbeTimes()));
    }

    private static SmtpProbeStatus withoutMeasurements(SmtpProbeStatus status) {
        return status.domains() == null ? status
                : status.toBuilder().domains(status.domains().stream().map(StatusDiff::withoutLatencies).toList()).build();
    }

    private static DomainStatus withoutLatencies(DomainStatus d) {
        if (d.servers() == null) {
            return d;
        }
        List<ServerStatus> servers = d.servers().stream()
                .map(s -> new ServerStatus(s.host(), s.address(), s.port(), s.preference(), s.stage(), s.reply(), s.reason(),
                        s.extensions(), s.tls(), null))
                .toList();
        return new DomainStatus(d.domain(), d.result(), d.reason(), d.message(), d.mx(), servers, d.expected(), d.actual(),
                d.expectationMet(), d.transportSecurity());
    }
}
