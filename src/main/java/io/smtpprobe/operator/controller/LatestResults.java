package io.smtpprobe.operator.controller;

import io.smtpprobe.core.ProbeReport;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The last full report per resource, transcripts included. Kept in memory only: transcripts are
 * too large and too chatty for etcd, and losing them on restart costs one interval.
 */
public final class LatestResults {
    public record Latest(ResourceKey key, long generation, Instant time, ProbeReport report) {
        public String namespace() {
            return key.namespace();
        }

        public String name() {
            return key.name();
        }
    }

    private final ConcurrentMap<ResourceKey, Latest> results = new ConcurrentHashMap<>();

    public void put(Latest latest) {
        results.put(latest.key(), latest);
    }

    public Optional<Latest> get(ResourceKey key) {
        return Optional.ofNullable(results.get(key));
    }

    public void remove(ResourceKey key) {
        results.remove(key);
    }
}
