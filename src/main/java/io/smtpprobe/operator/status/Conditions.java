package io.smtpprobe.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * metav1.Condition bookkeeping. lastTransitionTime moves only when the status flips, so that
 * "Ready=False since 3h" stays true across many failing probes; everything else is refreshed.
 */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String SUSPENDED = "Suspended";
    /** False when a backup MX accepts what a preferred MX rejects ({@code mxPolicy: All}); see DiagnosisConditions. */
    public static final String MX_CONSISTENT = "MxConsistent";
    /** True when a reached server's certificate expires within the warning period, or has expired. */
    public static final String CERTIFICATE_EXPIRING_SOON = "CertificateExpiringSoon";
    /** Whether a sending MTA would deliver to every domain over authenticated TLS (MTA-STS or DANE); see TransportSecureCondition. */
    public static final String TRANSPORT_SECURE = "TransportSecure";
    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private Conditions() {
    }

    /** Returns a new list with the condition of that type set; the input is not modified. */
    public static List<Condition> set(List<Condition> existing, String type, String status, String reason, String message,
            long observedGeneration, Instant now) {
        var result = new ArrayList<Condition>();
        Condition previous = null;
        for (var c : existing == null ? List.<Condition>of() : existing) {
            if (type.equals(c.getType())) {
                previous = c;
            } else {
                result.add(c);
            }
        }
        String transition = previous != null && Objects.equals(previous.getStatus(), status) && previous.getLastTransitionTime() != null
                ? previous.getLastTransitionTime()
                : Timestamps.format(now);
        var condition = new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message == null ? "" : message)
                .withObservedGeneration(observedGeneration)
                .withLastTransitionTime(transition)
                .build();
        int at = previous == null ? result.size() : Math.min(indexOf(existing, type), result.size());
        result.add(at, condition);
        return List.copyOf(result);
    }

    public static List<Condition> remove(List<Condition> existing, String type) {
        if (existing == null) {
            return List.of();
        }
        return existing.stream().filter(c -> !type.equals(c.getType())).toList();
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty() : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static int indexOf(List<Condition> conditions, String type) {
        for (int i = 0; i < conditions.size(); i++) {
            if (type.equals(conditions.get(i).getType())) {
                return i;
            }
        }
        return conditions.size();
    }
}
