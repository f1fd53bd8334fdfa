package io.smtpprobe.operator.status;

import io.smtpprobe.api.v1alpha1.OperatorReason;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.report.Findings;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
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
        boolean ready = report.result() == Outcome.Success
                && report.domains().stream().allMatch(d -> d.reason() == Reason.Accepted);
        String reason = ready ? Reason.Accepted.name() : reasonOf(report);
        String message = message(report);
        var conditions = Conditions.set(previousConditions(previous), Conditions.READY,
                ready ? Conditions.TRUE : Conditions.FALSE, reason, message, generation, now);
        conditions = Conditions.remove(conditions, Conditions.SUSPENDED);
        int failures = ready ? 0 : Objects.requireNonNullElse(previous == null ? null : previous.consecutiveFailures(), 0) + 1;
        return new SmtpProbeStatus(generation, Timestamps.format(now), Timestamps.format(now.plus(untilNext)),
                report.result(), reason, message, conditions, DomainStatuses.of(report.domains()), failures,
                resultChangeTime(previous, report.result(), now));
    }

    /** The spec cannot be probed: old results describe a different spec, so they are dropped. */
    public SmtpProbeStatus invalid(String problems, SmtpProbeStatus previous, long generation) {
        Instant now = clock.instant();
        String message = DomainStatuses.truncate("invalid spec: " + problems, MAX_MESSAGE);
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
        String message = DomainStatuses.truncate("probe failed: " + error, MAX_MESSAGE);
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
        return worst(report.domains()).map(d -> d.reason().name()).orElse(OperatorReason.ProbeError.name());
    }

    /**
     * One line naming the worst finding, e.g. {@code fabrikam.test: mx1.fabrikam.test RCPT 550 5.1.1 User unknown},
     * and how many other domains failed too.
     */
    static String message(ProbeReport report) {
        var failing = report.domains().stream().filter(d -> d.result() != Outcome.Success).toList();
        if (failing.isEmpty()) {
            int n = report.domains().size();
            return n == 1 ? report.domains().get(0).domain() + ": accepted" : "all " + n + " domains accepted";
        }
        var worst = worst(failing).orElseThrow();
        String line = describe(worst);
        if (failing.size() > 1) {
            line += " (and " + (failing.size() - 1) + " more failing)";
        }
        return DomainStatuses.truncate(line, MAX_MESSAGE);
    }

    private static java.util.Optional<DomainResult> worst(List<DomainResult> domains) {
        return domains.stream().max(Comparator.comparingInt((DomainResult d) -> d.result().ordinal())
                .thenComparing(Comparator.comparingInt(domains::indexOf).reversed()));
    }

    public static String describe(DomainResult domain) {
        var server = decidingServer(domain);
        if (server != null && server.reason() == Reason.Accepted) {
            // the stage is QUIT but the reply is the one that accepted the mail (RCPT or DATA)
            return Findings.of(domain.domain(), server);
        }
        if (server != null && server.reply() != null) {
            var reply = server.reply();
            var sb = new StringBuilder(domain.domain()).append(": ").append(server.host()).append(' ')
                    .append(command(server.stage())).append(' ').append(reply.code());
            if (reply.enhancedCode() != null && !reply.text().startsWith(reply.enhancedCode())) {
                sb.append(' ').append(reply.enhancedCode());
            }
            if (!reply.text().isEmpty()) {
                sb.append(' ').append(reply.text());
            }
            return sb.toString();
        }
        if (server != null) {
            String detail = server.detail() != null ? server.detail() : server.reason().explanation();
            return domain.domain() + ": " + server.host() + " " + command(server.stage()) + " " + server.reason().name() + ": " + detail;
        }
        String detail = domain.message() != null && !domain.message().isBlank() ? domain.message()
                : domain.reason() == null ? "failed" : domain.reason().explanation();
        return detail.startsWith(domain.domain()) ? detail : domain.domain() + ": " + detail;
    }

    private static ServerResult decidingServer(DomainResult domain) {
        ServerResult last = null;
        for (var s : domain.servers()) {
            if (s.reason() == domain.reason()) {
                return s;
            }
            last = s;
        }
        return last;
    }

    /** The command as the manual telnet procedure names it, so the message reads like a transcript. */
    public static String command(Stage stage) {
        return switch (stage) {
            case Dns -> "DNS";
            case Connect -> "CONNECT";
            case Banner -> "BANNER";
            case Ehlo -> "EHLO";
            case Helo -> "HELO";
            case StartTls -> "STARTTLS";
            case MailFrom -> "MAIL FROM";
            case RcptTo -> "RCPT";
            case Data -> "DATA";
            case Quit -> "QUIT";
        };
    }
}
