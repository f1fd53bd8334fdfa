package io.smtpprobe.operator.controller;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * The global cap on probes in flight. Waiters queue in arrival order and a cancelled waiter
 * gives up its place, so a deleted resource never holds a slot.
 *
 * <p>Our own because the SDK has no equivalent for asynchronous work: its reconciliation threads
 * bound reconciliations, but a probe outlives the reconciliation that starts it.
 */
public final class ProbeGate {
    private final int permits;
    private int used;
    private final Deque<CompletableFuture<Void>> waiting = new ArrayDeque<>();

    public ProbeGate(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("at least one probe must be allowed");
        }
        this.permits = permits;
    }

    /** Completes when a slot is free; the caller must {@link #release()} exactly once after that. */
    public synchronized CompletableFuture<Void> acquire() {
        if (used < permits) {
            used++;
            return CompletableFuture.completedFuture(null);
        }
        var waiter = new CompletableFuture<Void>();
        waiter.whenComplete((v, e) -> {
            if (waiter.isCancelled()) {
                forget(waiter);
            }
        });
        waiting.add(waiter);
        return waiter;
    }

    public void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            while ((next = waiting.poll()) != null && next.isDone()) {
                // cancelled while queued
            }
            if (next == null) {
                used--;
                return;
            }
        }
        if (!next.complete(null)) {
            release();
        }
    }

    public synchronized int inFlight() {
        return used;
    }

    private synchronized void forget(CompletableFuture<Void> waiter) {
        waiting.remove(waiter);
    }
}
