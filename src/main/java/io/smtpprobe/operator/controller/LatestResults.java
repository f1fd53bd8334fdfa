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
    public record Latest(String namespace, String name, long generation, Instant time, ProbeReport report) {
    }

    private final ConcurrentMap<String, Latest> results = new ConcurrentHashMap<>();

    public void put(Latest latest) {
        results.put(latest.namespace() + "/" + latest.name(), latest);
    }

    public Optional<Latest> get(String namespace, String name) {
        return Optional.ofNullable(results.get(namespace + "/" + name));
    }

    public void remove(String namespace, String name) {
        results.remove(namespace + "/" + name);
    }
}
