package io.smtpprobe.operator.discovery;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Brings the generated probes of one owner to the desired set: creates the missing, overwrites a spec,
 * label or owner reference edited by hand, and deletes those the owner no longer asks for. It never
 * touches a probe it did not generate for this owner, and writes nothing when all is as desired.
 * Probes of a deleted owner are left to the garbage collector, which follows the owner reference.
 */
final class ProbeSync {
    private static final Logger LOG = Logger.getLogger(ProbeSync.class);

    private final KubernetesClient client;

    ProbeSync(KubernetesClient client) {
        this.client = client;
    }

    /** What one sync did, for logs and tests. */
    record Changes(List<String> created, List<String> updated, List<String> deleted, List<String> refused) {
        boolean none() {
            return created.isEmpty() && updated.isEmpty() && deleted.isEmpty() && refused.isEmpty();
        }
    }

    /**
     * @param owned the probes generated for this owner as the cache knows them; a stale entry costs a
     *              404 on delete, nothing more
     */
    Changes sync(HasMetadata owner, List<SmtpProbe> desired, Collection<SmtpProbe> owned) {
        var changes = new Changes(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        String namespace = owner.getMetadata().getNamespace();
        Set<String> wanted = new HashSet<>();
        for (SmtpProbe probe : desired) {
            String name = probe.getMetadata().getName();
            wanted.add(name);
            SmtpProbe existing = client.resources(SmtpProbe.class).inNamespace(namespace).withName(name).get();
            if (existing == null) {
                client.resource(probe).create();
                changes.created.add(name);
            } else if (!GeneratedProbes.isOwnedBy(existing, owner)) {
                LOG.warnf("%s %s/%s: not generating SmtpProbe %s: a probe of that name exists and is not generated from it",
                        owner.getKind(), namespace, owner.getMetadata().getName(), name);
                changes.refused.add(name);
            } else if (differs(existing, probe)) {
                client.resource(overwrite(existing, probe)).update();
                changes.updated.add(name);
            }
        }
        for (SmtpProbe probe : owned) {
            String name = probe.getMetadata().getName();
            if (!wanted.contains(name) && GeneratedProbes.isOwnedBy(probe, owner)) {
                client.resources(SmtpProbe.class).inNamespace(namespace).withName(name).delete();
                changes.deleted.add(name);
            }
        }
        if (!changes.none()) {
            LOG.infof("%s %s/%s: generated SmtpProbes created %s, overwritten %s, deleted %s", owner.getKind(), namespace,
                    owner.getMetadata().getName(), changes.created, changes.updated, changes.deleted);
        }
        return changes;
    }

    /** Compared as the API server stores them; the desired spec carries every CRD default. */
    boolean differs(SmtpProbe existing, SmtpProbe desired) {
        var serialization = client.getKubernetesSerialization();
        Map<?, ?> existingSpec = serialization.convertValue(existing.getSpec(), Map.class);
        Map<?, ?> desiredSpec = serialization.convertValue(desired.getSpec(), Map.class);
        Map<String, String> labels = existing.getMetadata().getLabels();
        boolean labelsMatch = desired.getMetadata().getLabels().entrySet().stream()
                .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
        boolean ownerMatches = existing.getMetadata().getOwnerReferences().containsAll(desired.getMetadata().getOwnerReferences());
        return !Objects.equals(existingSpec, desiredSpec) || !labelsMatch || !ownerMatches;
    }

    /** The stored object with the desired spec, labels and owner: its resourceVersion makes the update conditional. */
    private SmtpProbe overwrite(SmtpProbe existing, SmtpProbe desired) {
        SmtpProbe copy = client.getKubernetesSerialization().clone(existing);
        copy.setStatus(null);
        copy.setSpec(desired.getSpec());
        Map<String, String> labels = new LinkedHashMap<>(copy.getMetadata().getLabels());
        labels.putAll(desired.getMetadata().getLabels());
        copy.getMetadata().setLabels(labels);
        var references = new ArrayList<>(copy.getMetadata().getOwnerReferences());
        desired.getMetadata().getOwnerReferences().stream().filter(r -> !references.contains(r)).forEach(references::add);
        copy.getMetadata().setOwnerReferences(references);
        return copy;
    }
}
