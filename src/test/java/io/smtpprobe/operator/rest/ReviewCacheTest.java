package io.smtpprobe.operator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReviewCacheTest {
    final AtomicLong now = new AtomicLong(1_000);

    @Test
    void anAnswerIsReusedUntilItsTtlEnds() {
        var cache = new ReviewCache<String, Boolean>(Duration.ofSeconds(10), 10, now::get);
        cache.put("k", true);
        now.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
        assertThat(cache.get("k")).hasValue(true);
        now.addAndGet(1);
        assertThat(cache.get("k")).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void theOldestAnswerGoesFirstBeyondTheSize() {
        var cache = new ReviewCache<String, Boolean>(Duration.ofSeconds(10), 2, now::get);
        cache.put("a", true);
        cache.put("b", true);
        cache.put("c", false);
        assertThat(cache.get("a")).isEmpty();
        assertThat(cache.get("b")).hasValue(true);
        assertThat(cache.get("c")).hasValue(false);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void aZeroTtlCachesNothing() {
        var cache = new ReviewCache<String, Boolean>(Duration.ZERO, 2, now::get);
        cache.put("a", true);
        assertThat(cache.get("a")).isEmpty();
    }
}
