package io.smtpprobe.operator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CheckAdmissionTest {
    final AtomicLong now = new AtomicLong(5_000);
    final CheckAdmission admission = new CheckAdmission(2, Duration.ofMinutes(1), 2, now::get);

    @Test
    void theCallAfterTheLimitIsRefusedWithTheSecondsLeftInTheWindow() {
        assertThat(admission.rate("user:a")).isEmpty();
        now.addAndGet(Duration.ofSeconds(20).toNanos());
        assertThat(admission.rate("user:a")).isEmpty();
        var refusal = admission.rate("user:a").orElseThrow();
        assertThat(refusal.status()).isEqualTo(429);
        assertThat(refusal.retryAfterSeconds()).isEqualTo(40);
        // Another caller is not affected.
        assertThat(admission.rate("user:b")).isEmpty();
    }

    @Test
    void aNewWindowStartsAfterTheOldOneEnds() {
        admission.rate("user:a");
        admission.rate("user:a");
        now.addAndGet(Duration.ofMinutes(1).toNanos() - 1);
        assertThat(admission.rate("user:a").orElseThrow().retryAfterSeconds()).isEqualTo(1);
        now.addAndGet(1);
        assertThat(admission.rate("user:a")).isEmpty();
    }

    @Test
    void pendingChecksAreBoundedAndReleasedSlotsAreReused() {
        assertThat(admission.acquire()).isEmpty();
        assertThat(admission.acquire()).isEmpty();
        var busy = admission.acquire().orElseThrow();
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.retryAfterSeconds()).isEqualTo(5);
        admission.release();
        assertThat(admission.acquire()).isEmpty();
        assertThat(admission.pending()).isEqualTo(2);
    }
}
