package io.smtpprobe.engine;

import io.vertx.core.Vertx;
import java.time.Duration;

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

    /** The JDK's timers on one shared daemon thread, for engines built without Vert.x and for run deadlines. */
    static Timers jdk() {
        return JdkTimers.SHARED;
    }
}
