package io.smtpprobe.operator.controller;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.operator.status.StatusDiff;
import io.smtpprobe.operator.status.StatusHeartbeat;
import java.net.HttpURLConnection;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One status write through the status subresource, with optimistic locking: the spec is never
 * written and a concurrent change is never overwritten. It does not retry a conflict itself: the
 * reconciler fails, and the SDK's retry reconciles again on the fresh object, whose previous status
 * may have moved on.
 */
public final class StatusWriter {
    private final KubernetesClient client;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong confirmed = new AtomicLong();
    private final StatusHeartbeat heartbeat;

    public StatusWriter(KubernetesClient client) {
        this(client, StatusHeartbeat.OFF);
    }

    public StatusWriter(KubernetesClient client, StatusHeartbeat heartbeat) {
        this.client = client;
        this.heartbeat = heartbeat;
    }

    /**
     * @param always a completed probe cycle: written even when only the probe times differ, unless the
     *               heartbeat lets a confirmed verdict wait ({@link WriteOutcome#Confirmed})
     * @throws KubernetesClientException on any other API error, for the SDK's retry
     */
    public WriteOutcome write(SmtpProbe current, SmtpProbeStatus status, boolean always) {
        if (!always && !StatusDiff.changed(current.getStatus(), status)) {
            return WriteOutcome.Unchanged;
        }
        if (always) {
            status = heartbeat.stamp(status);
            if (!heartbeat.mustWrite(current.getStatus(), status)) {
                confirmed.incrementAndGet();
                return WriteOutcome.Confirmed;
            }
        }
        try {
            client.resources(SmtpProbe.class).inNamespace(current.getMetadata().getNamespace())
                    .resource(withStatus(current, status)).updateStatus();
            writes.incrementAndGet();
            return WriteOutcome.Written;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return WriteOutcome.Gone;
            }
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                conflicts.incrementAndGet();
                return WriteOutcome.Conflict;
            }
            throw e;
        }
    }

    public long writes() {
        return writes.get();
    }

    public long conflicts() {
        return conflicts.get();
    }

    /** Probes whose status the heartbeat left unwritten: they found the stored verdict again. */
    public long confirmed() {
        return confirmed.get();
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
