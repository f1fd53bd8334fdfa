package io.smtpprobe.engine.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StsPolicyCacheTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    private static StsPolicy policy(long maxAgeSeconds) {
        return new StsPolicy("enforce", List.of("mx.a.test"), Duration.ofSeconds(maxAgeSeconds));
    }

    @Test
    void anUnchangedIdIsServedFromTheCacheUntilMaxAge() {
        var cache = new StsPolicyCache(10, clock);
        cache.put("a.test", "1", policy(60));
        assertNotNull(cache.current("a.test", "1"));
        now.set(now.get().plusSeconds(60));
        assertNull(cache.current("a.test", "1"));
    }

    @Test
    void aNewIdIsACacheMissButTheOldPolicyStaysUsableUntilItExpires() {
        var cache = new StsPolicyCache(10, clock);
        cache.put("a.test", "1", policy(60));
        assertNull(cache.current("a.test", "2"));
        assertEquals("1", cache.unexpired("a.test").id());
    }

    @Test
    void theLeastRecentlyUsedDomainIsForgottenFirst() {
        var cache = new StsPolicyCache(2, clock);
        cache.put("a.test", "1", policy(60));
        cache.put("b.test", "1", policy(60));
        cache.current("a.test", "1");
        cache.put("c.test", "1", policy(60));
        assertEquals(2, cache.size());
        assertNotNull(cache.current("a.test", "1"));
        assertNull(cache.current("b.test", "1"));
    }
}
