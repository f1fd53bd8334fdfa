package io.smtpprobe.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.smtpprobe.api.v1alpha1.DomainStatus;
import io.smtpprobe.api.v1alpha1.OperatorReason;
import io.smtpprobe.api.v1alpha1.ServerStatus;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The Events a new status deserves against the stored one, for the diagnoses beyond the verdict:
 * a condition turning bad (or bad in another way) gives a Warning, its recovery a Normal, a
 * certificate fingerprint that differs for the same host and port a Normal {@code CertificateChanged}.
 * Nothing repeats while things stay as they are, so {@code kubectl describe} stays readable.
 */
public final class DiagnosisEvents {
    /** Enough of a fingerprint to tell two certificates apart in one line, as a short commit id does. */
    static final int SHORT_FINGERPRINT = 16;

    public record Event(String type, String reason, String message) {
        public static final String NORMAL = "Normal";
        public static final String WARNING = "Warning";
    }

    private DiagnosisEvents() {
    }

    public static List<Event> between(SmtpProbeStatus previous, SmtpProbeStatus current) {
        var events = new ArrayList<Event>();
        var before = previous == null ? List.<Condition>of() : previous.conditions();
        var after = current.conditions();
        conditionChanged(before, after, Conditions.MX_CONSISTENT, Conditions.FALSE, events::add);
        conditionChanged(before, after, Conditions.CERTIFICATE_EXPIRING_SOON, Conditions.TRUE, events::add);
        certificatesChanged(previous, current, events::add);
        return events;
    }

    /** A Warning when the condition turns bad or changes its bad reason; a Normal when it turns good again. */
    private static void conditionChanged(List<Condition> before, List<Condition> after, String type, String bad,
            Consumer<Event> emit) {
        Optional<Condition> was = Conditions.find(before, type);
        Optional<Condition> now = Conditions.find(after, type);
        if (now.isEmpty()) {
            return;
        }
        var c = now.get();
        boolean wasBad = was.map(w -> bad.equals(w.getStatus())).orElse(false);
        if (bad.equals(c.getStatus())) {
            if (!wasBad || !Objects.equals(was.get().getReason(), c.getReason())) {
                emit.accept(new Event(Event.WARNING, c.getReason(), c.getMessage()));
            }
        } else if (wasBad && !Conditions.UNKNOWN.equals(c.getStatus())) {
            emit.accept(new Event(Event.NORMAL, c.getReason(), c.getMessage()));
        }
    }

    /**
     * Compared per host and port: a pool behind one name may present several certificates, so only
     * a fingerprint none of them had before counts as a change. A server not reached over TLS this
     * time, and one seen for the first time, say nothing.
     */
    private static void certificatesChanged(SmtpProbeStatus previous, SmtpProbeStatus current, Consumer<Event> emit) {
        Map<String, Set<String>> before = fingerprints(previous);
        Set<String> announced = new LinkedHashSet<>();
        for (ServerStatus server : servers(current)) {
            var certificate = certificate(server);
            if (certificate == null || certificate.sha256() == null) {
                continue;
            }
            String endpoint = server.host() + ":" + server.port();
            Set<String> known = before.getOrDefault(endpoint, Set.of());
            if (known.isEmpty() || known.contains(certificate.sha256()) || !announced.add(endpoint + " " + certificate.sha256())) {
                continue;
            }
            emit.accept(new Event(Event.NORMAL, OperatorReason.CertificateChanged.name(),
                    endpoint + " certificate changed: " + shortFingerprint(known.iterator().next()) + " → "
                            + shortFingerprint(certificate.sha256()) + ", notAfter " + certificate.notAfter()));
        }
    }

    private static Map<String, Set<String>> fingerprints(SmtpProbeStatus status) {
        Map<String, Set<String>> byEndpoint = new LinkedHashMap<>();
        for (ServerStatus server : servers(status)) {
            var certificate = certificate(server);
            if (certificate != null && certificate.sha256() != null) {
                byEndpoint.computeIfAbsent(server.host() + ":" + server.port(), k -> new LinkedHashSet<>()).add(certificate.sha256());
            }
        }
        return byEndpoint;
    }

    private static List<ServerStatus> servers(SmtpProbeStatus status) {
        if (status == null || status.domains() == null) {
            return List.of();
        }
        return status.domains().stream().map(DomainStatus::servers).filter(Objects::nonNull).flatMap(List::stream).toList();
    }

    private static ServerStatus.CertificateStatus certificate(ServerStatus server) {
        return server.tls() == null ? null : server.tls().certificate();
    }

    static String shortFingerprint(String sha256) {
        return sha256.length() <= SHORT_FINGERPRINT ? sha256 : sha256.substring(0, SHORT_FINGERPRINT);
    }
}
