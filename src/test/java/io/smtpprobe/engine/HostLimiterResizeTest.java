package io.smtpprobe.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The per-host limit divided among operator replicas changes while connections are held. */
class HostLimiterResizeTest {

    @Test
    void aRaisedLimitAdmitsWaitersAtOnce() {
        var limiter = new HostLimiter(1);
        var first = limiter.acquire("mx").toCompletableFuture();
        var second = limiter.acquire("mx").toCompletableFuture();
        assertThat(first).isDone();
        assertThat(second).isNotDone();

        limiter.resize(2);

        assertThat(second).isDone();
        assertThat(limiter.inUse("mx")).isEqualTo(2);
    }

    @Test
    void aLoweredLimitCutsNoConnectionAndHoldsWaitersUntilBelowIt() {
        var limiter = new HostLimiter(3);
        List<Runnable> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(limiter.acquire("mx").toCompletableFuture().join());
        }
        limiter.resize(1);
        CompletableFuture<Runnable> waiter = limiter.acquire("mx").toCompletableFuture();

        held.get(0).run();
        assertThat(waiter).as("2 still held, limit 1").isNotDone();
        held.get(1).run();
        assertThat(waiter).as("1 still held, limit 1").isNotDone();
        held.get(2).run();
        assertThat(waiter).isDone();
        assertThat(limiter.inUse("mx")).isEqualTo(1);
        assertThat(limiter.perHost()).isEqualTo(1);
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new HostLimiter(2).resize(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
