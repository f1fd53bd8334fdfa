package io.smtpprobe.operator.controller;

import io.smtpprobe.operator.status.StatusDiff;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import java.net.HttpURLConnection;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Writes status through the status subresource with optimistic locking, so the spec is never
 * written and a concurrent change is never overwritten. On 409 the status is recomputed on the
 * fresh object (its previous status may have moved on); a 404 means the resource is gone.
 */
public final class StatusWriter {
    private static final Logger LOG = Logger.getLogger(StatusWriter.class);

    private final KubernetesClient client;
    private final int attempts;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();

    public StatusWriter(KubernetesClient client, int attempts) {
        this.client = client;
        this.attempts = Math.max(1, attempts);
    }

    /**
     * @param always write even when only the probe times differ (a completed probe cycle)
     * @return the status now stored, or null when nothing was written
     */
    public SmtpProbeStatus write(SmtpProbe current, UnaryOperator<SmtpProbeStatus> compute, boolean always) {
        var resource = current;
        long generation = generationOf(current);
        for (int attempt = 1; ; attempt++) {
            var status = compute.apply(resource.getStatus());
            if (!always && !StatusDiff.changed(resource.getStatus(), status)) {
                return null;
            }
            try {
                client.resources(SmtpProbe.class).inNamespace(resource.getMetadata().getNamespace())
                        .resource(withStatus(resource, status)).updateStatus();
                writes.incrementAndGet();
                return status;
            } catch (KubernetesClientException e) {
                if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                    return null;
                }
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= attempts) {
                    LOG.warnf("status of %s/%s not written: %s", current.getMetadata().getNamespace(), current.getMetadata().getName(),
                            e.getMessage());
                    return null;
                }
                conflicts.incrementAndGet();
                resource = client.resources(SmtpProbe.class).inNamespace(current.getMetadata().getNamespace())
                        .withName(current.getMetadata().getName()).get();
                // A spec change in between makes this status stale; the update event reprobes. A
                // resource deleted and re-created under the same name is another object altogether.
                if (resource == null || generationOf(resource) != generation
                        || !Objects.equals(resource.getMetadata().getUid(), current.getMetadata().getUid())) {
                    return null;
                }
            }
        }
    }

    public long writes() {
        return writes.get();
    }

    public long conflicts() {
        return conflicts.get();
    }

    /** A fresh object, because objects from the informer cache are shared and must not be modified. */
    private static SmtpProbe withStatus(SmtpProbe resource, SmtpProbeStatus status) {
        var copy = new SmtpProbe();
        copy.setMetadata(new ObjectMetaBuilder()
                .withName(resource.getMetadata().getName())
                .withNamespace(resource.getMetadata().getNamespace())
                .withUid(resource.getMetadata().getUid())
                .withResourceVersion(resource.getMetadata().getResourceVersion())
                .withGeneration(resource.getMetadata().getGeneration())
                .build());
        copy.setSpec(resource.getSpec());
        copy.setStatus(status);
        return copy;
    }

    static long generationOf(SmtpProbe resource) {
        return Objects.requireNonNullElse(resource.getMetadata().getGeneration(), 0L);
    }
}
