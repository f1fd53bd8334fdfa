package io.smtpprobe.operator.controller;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The informer's store of SmtpProbes, holding each one as the operator reads it. Two parts of every
 * object are never read by this process and are dropped before the object is cached:
 * <ul>
 * <li>{@code metadata.managedFields}: the API server's field-ownership bookkeeping, a tree of maps that
 * names every status field again (the status writer sends an update with the resourceVersion, never an
 * apply, so nothing here needs to know who owns which field);</li>
 * <li>kubectl's {@code last-applied-configuration} annotation: a second copy of the spec as JSON.</li>
 * </ul>
 * {@code .status} stays whole: the reconciler reads nearly all of it back (StatusDiff compares every field
 * but the probe times before a write without a probe; a suspension writes the stored status back with one
 * condition more; the history ring, failure count, condition transition times and per-domain results and
 * certificates feed the next status and its Events), and the REST API and the status page read it from
 * this same cache.
 *
 * <p>The informer hands the object it parsed to its event handlers as well, so that object is never
 * changed: the store keeps a copy whose metadata is new and whose spec and status are shared, read-only.
 */
final class TrimmedProbeStore implements ItemStore<SmtpProbe> {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /**
     * Keeps the whole objects, for measuring what the trimming saves (the fleet bench's "before"). A plain
     * system property outside the {@code smtpprobe.} prefix, which Quarkus checks against OperatorConfig.
     */
    static final String KEEP_WHOLE_PROPERTY = "smtp-probe-bench.keep-whole-objects";

    private final BasicItemStore<SmtpProbe> items = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

    /**
     * The store for the controller's informer, unless more than one namespace is watched: the SDK gives
     * every namespace's informer the same store, and an informer that relists removes from its store
     * whatever its own list lacks, which would drop the other namespaces' resources.
     */
    static Optional<ItemStore<SmtpProbe>> forNamespaces(Optional<List<String>> watched) {
        int namespaces = watched.map(List::size).orElse(0);
        if (namespaces > 1 || Boolean.getBoolean(KEEP_WHOLE_PROPERTY)) {
            return Optional.empty();
        }
        return Optional.of(new TrimmedProbeStore());
    }

    /** A copy without what the operator never reads; the given object is left as it is. */
    static SmtpProbe trimmed(SmtpProbe probe) {
        ObjectMeta meta = probe.getMetadata();
        if (meta == null || (meta.getManagedFields() == null || meta.getManagedFields().isEmpty())
                && (meta.getAnnotations() == null || !meta.getAnnotations().containsKey(LAST_APPLIED))) {
            return probe;
        }
        var copy = new SmtpProbe();
        copy.setApiVersion(probe.getApiVersion());
        copy.setKind(probe.getKind());
        copy.setMetadata(withoutBookkeeping(meta));
        copy.setSpec(probe.getSpec());
        copy.setStatus(probe.getStatus());
        return copy;
    }

    private static ObjectMeta withoutBookkeeping(ObjectMeta meta) {
        var copy = new ObjectMeta();
        copy.setName(meta.getName());
        copy.setNamespace(meta.getNamespace());
        copy.setUid(meta.getUid());
        copy.setResourceVersion(meta.getResourceVersion());
        copy.setGeneration(meta.getGeneration());
        copy.setCreationTimestamp(meta.getCreationTimestamp());
        copy.setDeletionTimestamp(meta.getDeletionTimestamp());
        copy.setDeletionGracePeriodSeconds(meta.getDeletionGracePeriodSeconds());
        copy.setGenerateName(meta.getGenerateName());
        copy.setSelfLink(meta.getSelfLink());
        copy.setLabels(meta.getLabels());
        copy.setFinalizers(meta.getFinalizers());
        copy.setOwnerReferences(meta.getOwnerReferences());
        // managedFields stays the new object's empty list
        var annotations = meta.getAnnotations();
        if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
            annotations = new LinkedHashMap<>(annotations);
            annotations.remove(LAST_APPLIED);
        }
        copy.setAnnotations(annotations);
        meta.getAdditionalProperties().forEach(copy::setAdditionalProperty);
        return copy;
    }

    @Override
    public String getKey(SmtpProbe probe) {
        return items.getKey(probe);
    }

    @Override
    public SmtpProbe put(String key, SmtpProbe probe) {
        return items.put(key, trimmed(probe));
    }

    @Override
    public SmtpProbe remove(String key) {
        return items.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet();
    }

    @Override
    public Stream<SmtpProbe> values() {
        return items.values();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public SmtpProbe get(String key) {
        return items.get(key);
    }
}
