package io.smtpprobe.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HostLimiterTest {
    @Test
    void neverHandsOutMorePermitsThanTheLimitAndQueuesTheRest() {
        HostLimiter limiter = new HostLimiter(2);
        List<CompletableFuture<Runnable>> permits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            permits.add(limiter.acquire("mx").toCompletableFuture());
        }
        assertThat(permits.stream().filter(CompletableFuture::isDone)).hasSize(2);
        assertThat(limiter.inUse("mx")).isEqualTo(2);

        permits.get(0).join().run();
        permits.get(0).join().run(); // a double release must not free a second slot
        assertThat(permits.stream().filter(CompletableFuture::isDone)).hasSize(3);
        assertThat(limiter.inUse("mx")).isEqualTo(2);
    }

    @Test
    void hostsAreLimitedIndependently() {
        HostLimiter limiter = new HostLimiter(1);
        assertThat(limiter.acquire("a").toCompletableFuture()).isDone();
        assertThat(limiter.acquire("b").toCompletableFuture()).isDone();
        assertThat(limiter.acquire("a").toCompletableFuture()).isNotDone();
    }

    @Test
    void aCancelledWaiterDoesNotLeakItsPermit() {
        HostLimiter limiter = new HostLimiter(1);
        Runnable first = limiter.acquire("mx").toCompletableFuture().join();
        CompletableFuture<Runnable> cancelled = limiter.acquire("mx").toCompletableFuture();
        cancelled.cancel(false);
        first.run();
        assertThat(limiter.inUse("mx")).isZero();
        assertThat(limiter.acquire("mx").toCompletableFuture()).isDone();
    }
}
