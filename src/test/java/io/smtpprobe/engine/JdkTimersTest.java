package io.smtpprobe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class JdkTimersTest {
    // its own scheduler: the shared one also holds the deadlines of runs other tests left in this JVM
    private final JdkTimers timers = new JdkTimers();

    @Test
    void cancelledDeadlinesLeaveNothingWaitingSoAFinishedRunIsNotKeptReachable() {
        List<Runnable> cancels = new ArrayList<>();
        AtomicBoolean ran = new AtomicBoolean();
        for (int i = 0; i < 1_000; i++) {
            cancels.add(timers.schedule(Duration.ofHours(1), () -> ran.set(true)));
        }
        assertEquals(1_000, timers.waiting());
        cancels.forEach(Runnable::run);
        assertEquals(0, timers.waiting());
        assertFalse(ran.get());
    }

    @Test
    void aTaskRunsAfterItsDelayAndACancelAfterwardsChangesNothing() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        long t0 = System.nanoTime();
        Runnable cancel = timers.schedule(Duration.ofMillis(50), ran::countDown);
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50));
        cancel.run();
    }

    @Test
    void aSlowTaskDoesNotHoldBackTheNextDeadline() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        timers.schedule(Duration.ofMillis(1), () -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        timers.schedule(Duration.ofMillis(20), second::countDown);
        try {
            assertTrue(second.await(10, TimeUnit.SECONDS));
        } finally {
            release.countDown();
        }
    }
}
