package io.smtpprobe.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Timers on one daemon thread of the JDK whose cancel takes the task out of the queue. Every run
 * schedules its deadline and cancels it when the run ends: a cancel that only set a flag (the
 * JDK's {@code CompletableFuture.delayedExecutor}) left each finished run, its request, transcript
 * and report, reachable from the delay queue until the deadline, at 67 probes a second minutes of
 * them. The task itself runs where CompletableFuture runs async work (the common pool, or a thread of
 * its own where that pool has one thread), as before, so a slow one never delays another deadline.
 */
final class JdkTimers implements Timers {
    static final JdkTimers SHARED = new JdkTimers();

    private final ScheduledThreadPoolExecutor scheduler;

    /** Its own scheduler thread; the engine uses {@link #SHARED}, a test one of its own. */
    JdkTimers() {
        scheduler = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "smtpprobe-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Runnable schedule(Duration delay, Runnable task) {
        // the flag covers a cancel after the scheduler handed the task to the pool, before it ran
        AtomicBoolean cancelled = new AtomicBoolean();
        ScheduledFuture<?> scheduled = scheduler.schedule(() -> CompletableFuture.runAsync(() -> {
            if (!cancelled.get()) {
                task.run();
            }
        }), Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
        return () -> {
            cancelled.set(true);
            scheduled.cancel(false);
        };
    }

    /** Tasks waiting for their time, cancelled ones excluded. */
    int waiting() {
        return scheduler.getQueue().size();
    }
}
