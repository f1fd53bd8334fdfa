package io.smtpprobe.engine;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The waits of one probe run. Cancelling the run (the operator drops a cycle on a spec change, on
 * losing leadership or at shutdown) cancels them, so a retry that is still waiting never starts.
 */
final class RunScope {
    private final Timers timers;
    private final Set<Runnable> pending = new HashSet<>();
    private boolean cancelled;

    RunScope(Timers timers) {
        this.timers = timers;
    }

    /**
     * Runs {@code task} after {@code delay}, or {@code onCancel} instead once the run is cancelled;
     * exactly one of them runs.
     */
    void after(Duration delay, Runnable task, Runnable onCancel) {
        Runnable[] stopTimer = new Runnable[1];
        Runnable cancelThis = () -> {
            stopTimer[0].run();
            onCancel.run();
        };
        synchronized (this) {
            if (!cancelled) {
                // the timer's callback takes this lock too, so it cannot run before the entry is pending
                stopTimer[0] = timers.schedule(delay, () -> {
                    synchronized (this) {
                        if (!pending.remove(cancelThis)) {
                            return;
                        }
                    }
                    task.run();
                });
                pending.add(cancelThis);
                return;
            }
        }
        // outside the lock, like every completion: it runs the waiting caller's continuation
        onCancel.run();
    }

    void cancel() {
        Set<Runnable> waiting;
        synchronized (this) {
            cancelled = true;
            waiting = Set.copyOf(pending);
            pending.clear();
        }
        waiting.forEach(Runnable::run);
    }
}
