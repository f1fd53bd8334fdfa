package io.smtpprobe.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.smtpprobe.api.v1alpha1.OperatorReason;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.TransportSecurity;
import io.smtpprobe.core.TransportSecurity.PolicyType;
import io.smtpprobe.report.Findings;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code TransportSecure} condition: "can the world deliver to us securely?". False when a
 * domain's policy fails or cannot be used, or when a domain has none (senders then fall back to
 * opportunistic TLS, which an attacker can strip); True when every domain's MTA-STS or DANE policy
 * holds. Absent when transport security was not evaluated ({@code spec.transportSecurity: Ignore}).
 */
final class TransportSecureCondition {
    private TransportSecureCondition() {
    }

    static List<Condition> apply(List<Condition> conditions, ProbeReport report, long generation, Instant now) {
        List<DomainResult> judged = report.domains().stream().filter(d -> d.transportSecurity() != null).toList();
        if (judged.isEmpty()) {
            return Conditions.remove(conditions, Conditions.TRANSPORT_SECURE);
        }
        Optional<DomainResult> failed = judged.stream().filter(d -> d.transportSecurity().failed()).findFirst();
        if (failed.isPresent()) {
            return set(conditions, Conditions.FALSE, OperatorReason.TransportPolicyFailed, failed.get(), judged, generation, now);
        }
        Optional<DomainResult> unprotected = judged.stream().filter(TransportSecureCondition::noPolicy).findFirst();
        if (unprotected.isPresent()) {
            return set(conditions, Conditions.FALSE, OperatorReason.NoTransportPolicy, unprotected.get(), judged, generation, now);
        }
        String message = judged.size() == 1 ? line(judged.get(0))
                : "all " + judged.size() + " domains meet their MTA-STS or DANE policy";
        return Conditions.set(conditions, Conditions.TRANSPORT_SECURE, Conditions.TRUE, OperatorReason.TransportPolicyMet.name(),
                ServerText.guard(message, SmtpProbeStatusAggregator.MAX_MESSAGE), generation, now);
    }

    private static boolean noPolicy(DomainResult d) {
        TransportSecurity t = d.transportSecurity();
        return t.policyType() == PolicyType.NO_POLICY_FOUND || "none".equals(t.mode());
    }

    private static List<Condition> set(List<Condition> conditions, String status, OperatorReason reason, DomainResult first,
                                       List<DomainResult> judged, long generation, Instant now) {
        long more = judged.stream().filter(d -> d != first && (d.transportSecurity().failed() || noPolicy(d))).count();
        String message = line(first) + (more > 0 ? " (and " + more + " more)" : "");
        return Conditions.set(conditions, Conditions.TRANSPORT_SECURE, status, reason.name(),
                ServerText.guard(message, SmtpProbeStatusAggregator.MAX_MESSAGE), generation, now);
    }

    private static String line(DomainResult d) {
        return ServerText.sanitize(d.domain(), 256) + ": " + Findings.transportSecurity(d.transportSecurity());
    }
}
