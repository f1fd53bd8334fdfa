package io.smtpprobe.operator.status;

import io.smtpprobe.api.v1alpha1.OperatorReason;
import io.smtpprobe.api.v1alpha1.Outcome;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.operator.mapping.CrdEnums;
import io.smtpprobe.report.ExpectedFindings;
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
    private final DiagnosisConditions diagnosis;
    private final StatusBudget budget;
    private final StatusHistory history;

    public SmtpProbeStatusAggregator(Clock clock) {
        this(clock, new DiagnosisConditions(DiagnosisConditions.DEFAULT_EXPIRY_WARNING));
    }

    public SmtpProbeStatusAggregator(Clock clock, DiagnosisConditions diagnosis) {
        this(clock, diagnosis, new StatusBudget());
    }

    public SmtpProbeStatusAggregator(Clock clock, DiagnosisConditions diagnosis, StatusBudget budget) {
        this(clock, diagnosis, budget, new StatusHistory());
    }

    public SmtpProbeStatusAggregator(Clock clock, DiagnosisConditions diagnosis, StatusBudget budget, StatusHistory history) {
        this.clock = clock;
        this.diagnosis = diagnosis;
        this.budget = budget;
        this.history = history;
    }

    public SmtpProbeStatus probed(ProbeReport report, SmtpProbeStatus previous, long generation, Duration untilNext) {
        return probed(report, previous, generation, clock.instant(), untilNext);
    }

    /** @param now when the probe finished: the write may happen later, and the times must not drift with it */
    public SmtpProbeStatus probed(ProbeReport report, SmtpProbeStatus previous, long generation, Instant now, Duration untilNext) {
        return probed(report, Expectation.NONE, previous, generation, now, untilNext);
    }

    /**
     * With an expectation set, Ready says whether every domain answered as expected (an expected
     * refusal makes it True), and so does the count of failures in a row, which alerts read;
     * result, reason and message still say what happened.
     */
    public SmtpProbeStatus probed(ProbeReport report, Expectation expectation, SmtpProbeStatus previous, long generation,
            Instant now, Duration untilNext) {
        boolean accepted = report.result() == io.smtpprobe.core.Outcome.Success
                && report.domains().stream().allMatch(d -> d.reason() == Reason.Accepted);
        String reason = accepted ? Reason.Accepted.name() : reasonOf(report);
        String message = ServerText.guard(Findings.summary(report), MAX_MESSAGE);
        boolean expecting = expectation.isSet();
        boolean ready = expecting ? expectation.metBy(report) : accepted;
        String readyReason = !expecting ? reason
                : (ready ? OperatorReason.ExpectationMet : OperatorReason.ExpectationNotMet).name();
        String readyMessage = !expecting ? message : ServerText.guard(ExpectedFindings.summary(report, expectation), MAX_MESSAGE);
        Outcome result = CrdEnums.toApi(report.result());
        var conditions = Conditions.set(previousConditions(previous), Conditions.READY,
                ready ? Conditions.TRUE : Conditions.FALSE, readyReason, readyMessage, generation, now);
        conditions = Conditions.remove(conditions, Conditions.SUSPENDED);
        conditions = diagnosis.apply(conditions, report, generation, now);
        conditions = TransportSecureCondition.apply(conditions, report, generation, now);
        int failures = ready ? 0 : Objects.requireNonNullElse(previous == null ? null : previous.consecutiveFailures(), 0) + 1;
        var next = SmtpProbeStatus.builder().observedGeneration(generation)
                .lastProbeTime(Timestamps.format(now)).nextProbeTime(Timestamps.format(now.plus(untilNext)))
                .result(result).reason(reason).message(message).conditions(conditions)
                .domains(DomainStatuses.of(report.domains(), expectation)).consecutiveFailures(failures)
                .lastResultChangeTime(resultChangeTime(previous, result, now)).warnings(report.warnings());
        var entry = StatusHistory.entry(report, result, reason, ready, now);
        return budget.fit(history.record(next, previous, entry, now).build());
    }

    /** The spec cannot be probed: old results describe a different spec, so they are dropped. */
    public SmtpProbeStatus invalid(String problems, SmtpProbeStatus previous, long generation) {
        Instant now = clock.instant();
        String message = ServerText.guard("invalid spec: " + problems, MAX_MESSAGE);
        var conditions = Conditions.set(previousConditions(previous), Conditions.READY, Conditions.FALSE,
                OperatorReason.InvalidSpec.name(), message, generation, now);
        // The history stays: it is what happened, and the page shows it beside the invalid spec.
        return StatusHistory.keep(SmtpProbeStatus.builder(), previous).observedGeneration(generation)
                .reason(OperatorReason.InvalidSpec.name())
                .message(message).conditions(Conditions.remove(conditions, Conditions.SUSPENDED)).domains(List.of())
                .consecutiveFailures(0).lastResultChangeTime(previous == null ? null : previous.lastResultChangeTime()).build();
    }

    /**
     * {@code spec.auth.secretRef} could not be used, so no probe ran; like an invalid spec, but the
     * cure is RBAC or the Secret, not the spec. The message never holds a credential.
     */
    public SmtpProbeStatus authSecretUnavailable(String problem, SmtpProbeStatus previous, long generation) {
        Instant now = clock.instant();
        String reason = OperatorReason.AuthSecretUnavailable.name();
        String message = ServerText.guard(problem, MAX_MESSAGE);
        var conditions = Conditions.set(previousConditions(previous), Conditions.READY, Conditions.FALSE, reason, message,
                generation, now);
        return SmtpProbeStatus.builder().observedGeneration(generation).reason(reason)
                .message(message).conditions(Conditions.remove(conditions, Conditions.SUSPENDED)).domains(List.of())
                .consecutiveFailures(0).lastResultChangeTime(previous == null ? null : previous.lastResultChangeTime()).build();
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
        var next = SmtpProbeStatus.builder().observedGeneration(generation)
                .lastProbeTime(Timestamps.format(now)).nextProbeTime(Timestamps.format(now.plus(untilNext)))
                .result(Outcome.PermanentFailure).reason(reason).message(message)
                .conditions(Conditions.remove(conditions, Conditions.SUSPENDED)).domains(List.of()).consecutiveFailures(failures)
                .lastResultChangeTime(resultChangeTime(previous, Outcome.PermanentFailure, now));
        var entry = StatusHistory.entry(null, Outcome.PermanentFailure, reason, false, now);
        return history.record(next, previous, entry, now).build();
    }

    /** Suspension keeps the last verdict visible but says nobody is checking it any more. */
    public SmtpProbeStatus suspended(SmtpProbeStatus previous, long generation) {
        Instant now = clock.instant();
        var base = previous == null ? SmtpProbeStatus.builder().build() : previous;
        var conditions = Conditions.set(base.conditions(), Conditions.SUSPENDED, Conditions.TRUE,
                OperatorReason.Suspended.name(), "spec.suspend is true: probing is paused", generation, now);
        return base.toBuilder().observedGeneration(generation).nextProbeTime(null)
                .reason(base.reason() == null ? OperatorReason.Suspended.name() : base.reason())
                .conditions(conditions).build();
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
