package io.smtpprobe.engine.sts;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Policies as a sending MTA keeps them (RFC 8461 §3.3, §5.1): by domain, until {@code max_age}
 * passes; an unchanged TXT {@code id} means the cached policy is still current, a new one refetches.
 * Bounded: the least recently used domain is forgotten first.
 */
public final class StsPolicyCache {
    private final int capacity;
    private final Clock clock;
    private final Map<String, Entry> entries;

    private record Entry(String id, StsPolicy policy, Instant expires) {
    }

    public StsPolicyCache(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > StsPolicyCache.this.capacity;
            }
        };
    }

    /** The cached policy when its id is {@code id} and it has not expired; null otherwise. */
    public synchronized StsPolicy current(String domain, String id) {
        Entry e = entries.get(domain);
        return e != null && e.id.equals(id) && clock.instant().isBefore(e.expires) ? e.policy : null;
    }

    /** Any unexpired policy, whatever its id: what a sender uses when a new policy cannot be fetched. */
    public synchronized Cached unexpired(String domain) {
        Entry e = entries.get(domain);
        return e != null && clock.instant().isBefore(e.expires) ? new Cached(e.id, e.policy) : null;
    }

    public record Cached(String id, StsPolicy policy) {
    }

    public synchronized void put(String domain, String id, StsPolicy policy) {
        entries.put(domain, new Entry(id, policy, clock.instant().plus(policy.maxAge())));
    }

    synchronized int size() {
        return entries.size();
    }
}
