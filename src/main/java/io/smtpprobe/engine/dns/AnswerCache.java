package io.smtpprobe.engine.dns;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.xbill.DNS.Name;

/**
 * Answers kept for their TTL, as a caching resolver keeps them: positive ones for the smallest TTL
 * of their records, NXDOMAIN and NODATA for their SOA's negative TTL (RFC 2308), failures not at
 * all. The operator probes each domain every cycle, and the policy records ({@code _mta-sts},
 * {@code _smtp._tls}) rarely change: asking again within their TTL could not change a verdict.
 * Bounded: the least recently used answer goes first.
 */
final class AnswerCache {
    /** Enough for the policy records of a large fleet; an entry is a few hundred bytes. */
    static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** A TTL of days (allowed up to 68 years) is no reason to miss a changed record for that long. */
    static final long MAX_TTL_SECONDS = 3_600;

    private record Key(Name name, int type) {
    }

    private record Entry(Answer answer, long expiresAtNanos) {
    }

    private final LongSupplier nanoTime;
    private final Map<Key, Entry> entries;

    AnswerCache(int maxEntries, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    AnswerCache() {
        this(DEFAULT_MAX_ENTRIES, System::nanoTime);
    }

    /** The kept answer while it is fresh, else {@code ask}'s, kept for its TTL. */
    CompletableFuture<Answer> lookup(Name name, int type, Supplier<CompletableFuture<Answer>> ask) {
        Key key = new Key(name, type);
        Answer kept = fresh(key);
        if (kept != null) {
            return CompletableFuture.completedFuture(kept);
        }
        return ask.get().thenApply(answer -> {
            keep(key, answer);
            return answer;
        });
    }

    synchronized int size() {
        return entries.size();
    }

    private synchronized Answer fresh(Key key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (nanoTime.getAsLong() - entry.expiresAtNanos() >= 0) {
            entries.remove(key);
            return null;
        }
        return entry.answer();
    }

    private synchronized void keep(Key key, Answer answer) {
        long ttl = Math.min(answer.ttlSeconds(), MAX_TTL_SECONDS);
        if (ttl <= 0) {
            return;
        }
        entries.put(key, new Entry(answer, nanoTime.getAsLong() + ttl * 1_000_000_000L));
    }
}
