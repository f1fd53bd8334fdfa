package io.smtpprobe.engine.smtp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The signal that a probe's run was cancelled (the resource was deleted or changed, leadership was
 * lost, the operator shuts down). Dialogues listen to it so that they stop their sockets at once
 * instead of running on to their own deadlines. Thread-safe: it is cancelled from any thread, and
 * each listener moves to its own event loop itself.
 */
public final class ProbeCancellation {

    private final Set<Runnable> listeners = new LinkedHashSet<>();
    private boolean cancelled;

    /** A signal nobody ever sends, for probes outside a cancellable run. */
    public static ProbeCancellation never() {
        return new ProbeCancellation();
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /**
     * Runs {@code action} once when the run is cancelled, at once (on this thread) when it already
     * was; the returned Runnable unregisters it, so a finished dialogue is not kept reachable.
     */
    public Runnable onCancel(Runnable action) {
        synchronized (this) {
            if (!cancelled) {
                listeners.add(action);
                return () -> {
                    synchronized (this) {
                        listeners.remove(action);
                    }
                };
            }
        }
        action.run();
        return () -> { };
    }

    public void cancel() {
        List<Runnable> waiting;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            waiting = new ArrayList<>(listeners);
            listeners.clear();
        }
        // outside the lock: a listener may complete futures whose continuations take other locks
        waiting.forEach(Runnable::run);
    }
}
