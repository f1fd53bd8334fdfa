package io.smtpprobe.engine;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a task later without holding a thread while it waits: the engine's waits (a greylist retry)
 * must never block an event loop or a pool thread for minutes.
 */
@FunctionalInterface
public interface Timers {

    /** Schedules {@code task}; the returned action cancels it (a no-op once it ran). */
    Runnable schedule(Duration delay, Runnable task);

    /** Vert.x timers: cancelled with the Vert.x instance too, so nothing fires after shutdown. */
    static Timers of(Vertx vertx) {
        return (delay, task) -> {
            long id = vertx.setTimer(Math.max(1, delay.toMillis()), ignored -> task.run());
            return () -> vertx.cancelTimer(id);
        };
    }

    /** The JDK's shared delayer thread, for engines built without Vert.x (tests, benches). */
    static Timers jdk() {
        return (delay, task) -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            CompletableFuture.runAsync(() -> {
                if (!cancelled.get()) {
                    task.run();
                }
            }, CompletableFuture.delayedExecutor(Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS));
            return () -> cancelled.set(true);
        };
    }
}
