package io.smtpprobe.operator.rest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Answers of the API server's reviews, each reused for a short time, as kube-rbac-proxy does: a burst
 * of requests costs one review, and a revoked binding or token is honoured within the TTL. Bounded,
 * oldest first out, so a flood of distinct (e.g. made-up) tokens cannot grow the heap.
 */
final class ReviewCache<K, V> {
    private record Entry<V>(V value, long expiresAtNanos) {
    }

    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<K, Entry<V>> entries;

    ReviewCache(Duration ttl, int maxEntries, LongSupplier nanoTime) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("cache size must be at least 1");
        }
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
        this.entries = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                return size() > ReviewCache.this.maxEntries;
            }
        };
    }

    synchronized Optional<V> get(K key) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (nanoTime.getAsLong() - entry.expiresAtNanos() >= 0) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    synchronized void put(K key, V value) {
        if (ttlNanos <= 0) {
            return;
        }
        // Re-inserting moves the key to the young end, so eviction order stays the order of answers.
        entries.remove(key);
        entries.put(key, new Entry<>(value, nanoTime.getAsLong() + ttlNanos));
    }

    synchronized int size() {
        return entries.size();
    }
}
