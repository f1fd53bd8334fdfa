package io.smtpprobe.operator.controller;

import io.smtpprobe.operator.status.DiagnosisEvents;
import io.smtpprobe.operator.status.Timestamps;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smtpprobe.api.v1alpha1.DomainStatus;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.operator.mapping.CrdEnums;
import io.smtpprobe.report.Findings;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events for changes only: a domain that keeps failing produces one Warning when it
 * starts failing, not one per interval, so {@code kubectl describe} stays readable.
 */
public final class ProbeEvents {
    static final String COMPONENT = "smtp-probe-operator";
    private static final Logger LOG = Logger.getLogger(ProbeEvents.class);

    private final KubernetesClient client;
    private final Clock clock;

    public ProbeEvents(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** Emits one event per domain whose result differs from the previous status. */
    public void resultsChanged(SmtpProbe probe, SmtpProbeStatus previous, ProbeReport report) {
        Map<String, Outcome> before = previous == null || previous.domains() == null ? Map.of()
                : previous.domains().stream().filter(d -> d.result() != null)
                        .collect(Collectors.toMap(DomainStatus::domain, d -> CrdEnums.toCore(d.result()), (a, b) -> a));
        // A status over its byte budget leaves domains out: their result is unknown, not new.
        boolean truncated = previous != null && Boolean.TRUE.equals(previous.truncated());
        for (DomainResult domain : report.domains()) {
            if (before.get(domain.domain()) == domain.result() || (truncated && !before.containsKey(domain.domain()))) {
                continue;
            }
            boolean ok = domain.result() == Outcome.Success;
            emit(probe, ok ? "Normal" : "Warning", domain.reason() == null ? domain.result().name() : domain.reason().name(),
                    Findings.domain(domain));
        }
    }

    /**
     * Emits the Events of the diagnoses beyond the verdict (backup MX disagreement, certificate expiry
     * and change) that differ between the stored status and the one just written.
     */
    public void diagnosisChanged(SmtpProbe probe, SmtpProbeStatus previous, SmtpProbeStatus current) {
        DiagnosisEvents.between(previous, current).forEach(e -> emit(probe, e.type(), e.reason(), e.message()));
    }

    public void emit(SmtpProbe probe, String type, String reason, String message) {
        var now = Timestamps.format(clock.instant());
        var event = new EventBuilder()
                .withNewMetadata().withGenerateName(probe.getMetadata().getName() + ".").withNamespace(probe.getMetadata().getNamespace())
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(probe.getApiVersion()).withKind(probe.getKind())
                        .withName(probe.getMetadata().getName()).withNamespace(probe.getMetadata().getNamespace())
                        .withUid(probe.getMetadata().getUid()).build())
                .withType(type)
                .withReason(reason)
                .withMessage(ServerText.guard(message, 1024))
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1().events().inNamespace(probe.getMetadata().getNamespace()).resource(event).create();
        } catch (RuntimeException e) {
            // Events are best effort: RBAC or quota on events must never stop probing.
            LOG.debugf(e, "could not record event %s for %s/%s", reason, probe.getMetadata().getNamespace(), probe.getMetadata().getName());
        }
    }

}
