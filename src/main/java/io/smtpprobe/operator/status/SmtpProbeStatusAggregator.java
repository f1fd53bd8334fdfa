package io.smtpprobe.operator.status;

import io.smtpprobe.api.v1alpha1.OperatorReason;
import io.smtpprobe.api.v1alpha1.Outcome;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.operator.mapping.CrdEnums;
import io.smtpprobe.report.Findings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Computes the next status from a probe report and the previous status. Pure apart from the
 * clock, so that the same report on the same previous status gives an equal status and the
 * reconciler can skip the write.
 */
public final class SmtpProbeStatusAggregator {
    public static final int MAX_MESSAGE = 1024;

    private final Clock clock;

    public SmtpProbeStatusAggregator(Clock clock) {
        this.clock = clock;
    }

    public SmtpProbeStatus probed(ProbeReport report, SmtpProbeStatus previous, long generation, Duration untilNext) {
        return probed(report, previous, generation, clock.instant(), untilNext);
    }

    /** @param now when the probe finished: the write may happen later, and the times must not drift with it */
    public SmtpProbeStatus probed(ProbeReport report, SmtpProbeStatus previous, long generation, Instant now, Duration untilNext) {
        boolean ready = report.result() == io.smtpprobe.core.Outcome.Success
                && report.domains().stream().allMatch(d -> d.reason() == Reason.Accepted);
        String reason = ready ? Reason.Accepted.name() : reasonOf(report);
        String message = ServerText.guard(Findings.summary(report), MAX_MESSAGE);
        Outcome result = CrdEnums.toApi(report.result());
        var conditions = Conditions.set(previousConditions(previous), Conditions.READY,
                ready ? Conditions.TRUE : Conditions.FALSE, reason, message, generation, now);
        conditions = Conditions.remove(conditions, Conditions.SUSPENDED);
        int failures = ready ? 0 : Objects.requireNonNullElse(previous == null ? null : previous.consecutiveFailures(), 0) + 1;
        return new SmtpProbeStatus(generation, Timestamps.format(now), Timestamps.format(now.plus(untilNext)),
                result, reason, message, conditions, DomainStatuses.of(report.domains()), failures,
                resultChangeTime(previous, result, now));
    }

    /** The spec cannot be probed: old results describe a different spec, so they are dropped. */
    public SmtpProbeStatus invalid(String problems, SmtpProbeStatus previous, long generation) {
        Instant now = clock.instant();
        String message = ServerText.guard("invalid spec: " + problems, MAX_MESSAGE);
        var conditions = Conditions.set(previousConditions(previous), Conditions.READY, Conditions.FALSE,
                OperatorReason.InvalidSpec.name(), message, generation, now);
        return new SmtpProbeStatus(generation, null, null, null, OperatorReason.InvalidSpec.name(), message,
                Conditions.remove(conditions, Conditions.SUSPENDED), List.of(), 0,
                previous == null ? null : previous.lastResultChangeTime());
    }

    /** The runner itself broke; counts as a failed probe so alerts on consecutive failures fire. */
    public SmtpProbeStatus failed(Throwable error, SmtpProbeStatus previous, long generation, Duration untilNext) {
        return failed(error, previous, generation, clock.instant(), untilNext);
    }

    public SmtpProbeStatus failed(Throwable error, SmtpProbeStatus previous, long generation, Instant now, Duration untilNext) {
        String message = ServerText.guard("probe failed: " + error, MAX_MESSAGE);
        String reason = OperatorReason.ProbeError.name();
        var conditions = Conditions.set(previousConditions(previous), Conditions.READY, Conditions.FALSE, reason, message, generation, now);
        int failures = Objects.requireNonNullElse(previous == null ? null : previous.consecutiveFailures(), 0) + 1;
        return new SmtpProbeStatus(generation, Timestamps.format(now), Timestamps.format(now.plus(untilNext)),
                Outcome.PermanentFailure, reason, message, Conditions.remove(conditions, Conditions.SUSPENDED), List.of(), failures,
                resultChangeTime(previous, Outcome.PermanentFailure, now));
    }

    /** Suspension keeps the last verdict visible but says nobody is checking it any more. */
    public SmtpProbeStatus suspended(SmtpProbeStatus previous, long generation) {
        Instant now = clock.instant();
        var base = previous == null
                ? new SmtpProbeStatus(null, null, null, null, null, null, List.of(), null, null, null)
                : previous;
        var conditions = Conditions.set(base.conditions(), Conditions.SUSPENDED, Conditions.TRUE,
                OperatorReason.Suspended.name(), "spec.suspend is true: probing is paused", generation, now);
        return new SmtpProbeStatus(generation, base.lastProbeTime(), null, base.result(),
                base.reason() == null ? OperatorReason.Suspended.name() : base.reason(),
                base.message(), conditions, base.domains(), base.consecutiveFailures(), base.lastResultChangeTime());
    }

    private static String resultChangeTime(SmtpProbeStatus previous, Outcome result, Instant now) {
        if (previous != null && previous.result() == result && previous.lastResultChangeTime() != null) {
            return previous.lastResultChangeTime();
        }
        return Timestamps.format(now);
    }

    private static List<io.fabric8.kubernetes.api.model.Condition> previousConditions(SmtpProbeStatus previous) {
        return previous == null || previous.conditions() == null ? List.of() : previous.conditions();
    }

    private static String reasonOf(ProbeReport report) {
        if (report.reason() != null) {
            return report.reason().name();
        }
        return Findings.worst(report.domains()).map(d -> d.reason().name()).orElse(OperatorReason.ProbeError.name());
    }
}
