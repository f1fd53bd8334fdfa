package io.smtpprobe.engine;

import io.smtpprobe.engine.smtp.ProbeCancellation;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The waits and dialogues of one probe run. Cancelling the run (the operator drops a cycle on a
 * spec change, a deleted resource, losing leadership or at shutdown) cancels them: a retry that is
 * still waiting never starts, and a dialogue on the wire closes its socket at once.
 */
final class RunScope {
    private final Timers timers;
    private final Set<Runnable> pending = new HashSet<>();
    private final ProbeCancellation dialogues = new ProbeCancellation();
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

    /** The signal the run's dialogues listen to. */
    ProbeCancellation dialogues() {
        return dialogues;
    }

    /**
     * At the run deadline only the waits end: the dialogues' own deadlines were shortened to the
     * run's, and what they report in the grace that follows still counts.
     */
    void endWaits() {
        Set<Runnable> waiting;
        synchronized (this) {
            cancelled = true;
            waiting = Set.copyOf(pending);
            pending.clear();
        }
        waiting.forEach(Runnable::run);
    }

    /** The run is dropped: its waits end and its dialogues close their sockets. */
    void cancel() {
        endWaits();
        dialogues.cancel();
    }
}
