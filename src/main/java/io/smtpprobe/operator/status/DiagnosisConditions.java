package io.smtpprobe.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.smtpprobe.api.v1alpha1.OperatorReason;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.report.MxDisagreement;
import io.smtpprobe.request.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Findings beyond the verdict, as conditions: {@code MxConsistent} (a backup MX accepting what a
 * preferred MX rejects) and {@code CertificateExpiringSoon}. Each appears once a probe could observe
 * it; a later probe that cannot (a single answering MX, no TLS reached) turns it Unknown rather than
 * removing it, so a problem never disappears only because this run did not look.
 */
public final class DiagnosisConditions {
    public static final Duration DEFAULT_EXPIRY_WARNING = Duration.ofDays(14);
    private static final int MAX_MESSAGE = SmtpProbeStatusAggregator.MAX_MESSAGE;

    private final Duration expiryWarning;

    public DiagnosisConditions(Duration expiryWarning) {
        this.expiryWarning = expiryWarning;
    }

    public Duration expiryWarning() {
        return expiryWarning;
    }

    /** The conditions with both diagnoses set from this probe; the input is not modified. */
    public List<Condition> apply(List<Condition> conditions, ProbeReport report, long generation, Instant now) {
        var result = mxConsistent(conditions, report.domains(), generation, now);
        return certificateExpiringSoon(result, report.domains(), generation, now);
    }

    private static List<Condition> mxConsistent(List<Condition> conditions, List<DomainResult> domains, long generation,
            Instant now) {
        var found = MxDisagreement.find(domains);
        if (!found.isEmpty()) {
            String message = found.get(0).describe() + (found.size() > 1 ? " (and " + (found.size() - 1) + " more)" : "");
            return Conditions.set(conditions, Conditions.MX_CONSISTENT, Conditions.FALSE,
                    OperatorReason.BackupMxAcceptsRejected.name(), ServerText.guard(message, MAX_MESSAGE), generation, now);
        }
        var compared = domains.stream().filter(MxDisagreement::compared).map(DomainResult::domain).toList();
        if (!compared.isEmpty()) {
            return Conditions.set(conditions, Conditions.MX_CONSISTENT, Conditions.TRUE, OperatorReason.BackupMxAgrees.name(),
                    ServerText.guard("every backup MX answered the envelope as its preferred MX did: "
                            + String.join(", ", compared), MAX_MESSAGE), generation, now);
        }
        return unknownIfPresent(conditions, Conditions.MX_CONSISTENT, OperatorReason.BackupMxNotCompared,
                "no two MX hosts of different preference answered the envelope in this probe "
                        + "(mxPolicy Preferred, a single MX, or the others unreachable)", generation, now);
    }

    private List<Condition> certificateExpiringSoon(List<Condition> conditions, List<DomainResult> domains, long generation,
            Instant now) {
        var certificates = certificates(domains);
        if (certificates.isEmpty()) {
            return unknownIfPresent(conditions, Conditions.CERTIFICATE_EXPIRING_SOON, OperatorReason.NoCertificateSeen,
                    "no server's certificate was seen in this probe (TLS not offered, not reached, or disabled)", generation, now);
        }
        Instant warnFrom = now.plus(expiryWarning);
        var ending = certificates.stream().filter(s -> s.tls().certificate().notAfter().isBefore(warnFrom)).toList();
        if (ending.isEmpty()) {
            ServerResult earliest = certificates.get(0);
            return Conditions.set(conditions, Conditions.CERTIFICATE_EXPIRING_SOON, Conditions.FALSE,
                    OperatorReason.CertificatesNotExpiringSoon.name(),
                    ServerText.guard("every certificate is valid for more than " + days(expiryWarning) + "; the first to end: "
                            + describe(earliest, now), MAX_MESSAGE), generation, now);
        }
        ServerResult first = ending.get(0);
        boolean expired = !first.tls().certificate().notAfter().isAfter(now);
        String message = describe(first, now) + (ending.size() > 1 ? " (and " + (ending.size() - 1) + " more within "
                + days(expiryWarning) + ")" : "");
        return Conditions.set(conditions, Conditions.CERTIFICATE_EXPIRING_SOON, Conditions.TRUE,
                expired ? Reason.CertificateExpired.name() : OperatorReason.CertificateExpiringSoon.name(),
                ServerText.guard(message, MAX_MESSAGE), generation, now);
    }

    /** Servers that showed a certificate, one per host, port and certificate, the first to end first. */
    private static List<ServerResult> certificates(List<DomainResult> domains) {
        Map<String, ServerResult> unique = new LinkedHashMap<>();
        for (DomainResult domain : domains) {
            for (ServerResult s : domain.servers()) {
                if (s.tls() != null && s.tls().certificate() != null && s.tls().certificate().notAfter() != null) {
                    unique.putIfAbsent(endpoint(s) + " " + s.tls().certificate().notAfter()
                            + " " + s.tls().certificate().sha256Fingerprint(), s);
                }
            }
        }
        return unique.values().stream().sorted(Comparator.comparing((ServerResult s) -> s.tls().certificate().notAfter()))
                .toList();
    }

    private static String describe(ServerResult server, Instant now) {
        Instant notAfter = server.tls().certificate().notAfter();
        Duration left = Duration.between(now, notAfter);
        String when = left.isNegative() || left.isZero() ? "expired at " + Timestamps.format(notAfter)
                : "expires at " + Timestamps.format(notAfter) + " (in " + (left.toDays() > 0 ? days(left) : left.toHours() + "h") + ")";
        return endpoint(server) + " certificate " + when;
    }

    static String endpoint(ServerResult server) {
        return DomainStatuses.text(server.host()) + ":" + server.port();
    }

    private static String days(Duration d) {
        long days = d.toDays();
        return days == 0 ? Durations.format(d) : days == 1 ? "1 day" : days + " days";
    }

    private static List<Condition> unknownIfPresent(List<Condition> conditions, String type, OperatorReason reason,
            String message, long generation, Instant now) {
        if (Conditions.find(conditions, type).isEmpty()) {
            return conditions;
        }
        return Conditions.set(conditions, type, Conditions.UNKNOWN, reason.name(), message, generation, now);
    }
}
