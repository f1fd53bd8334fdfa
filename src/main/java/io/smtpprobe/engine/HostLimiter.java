package io.smtpprobe.engine;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Caps connections per mail server address, so that many domains sharing one MX host never
 * hammer it. Waiters queue without blocking a thread; a permit is handed straight to the next
 * waiter on release so the count can never exceed the limit.
 */
public final class HostLimiter {

    private final int perHost;
    private final Map<String, Slot> slots = new HashMap<>();

    public HostLimiter(int perHost) {
        if (perHost < 1) {
            throw new IllegalArgumentException("per-host limit must be at least 1");
        }
        this.perHost = perHost;
    }

    public int perHost() {
        return perHost;
    }

    /** Completes when a connection to {@code key} may be opened; call the permit's release once. */
    public synchronized CompletionStage<Runnable> acquire(String key) {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        if (slot.inUse < perHost) {
            slot.inUse++;
            return CompletableFuture.completedFuture(release(key));
        }
        CompletableFuture<Runnable> waiter = new CompletableFuture<>();
        slot.waiters.add(waiter);
        return waiter;
    }

    private Runnable release(String key) {
        boolean[] released = {false};
        return () -> {
            CompletableFuture<Runnable> next;
            synchronized (this) {
                if (released[0]) {
                    return;
                }
                released[0] = true;
                Slot slot = slots.get(key);
                next = slot.waiters.poll();
                if (next == null) {
                    slot.inUse--;
                    if (slot.inUse == 0) {
                        slots.remove(key);
                    }
                }
            }
            // Outside the lock: completing runs the waiter's continuation.
            // A waiter cancelled meanwhile must not swallow the permit.
            if (next != null) {
                Runnable permit = release(key);
                if (!next.complete(permit)) {
                    permit.run();
                }
            }
        };
    }

    /** Connections currently held to {@code key}; for tests and metrics. */
    public synchronized int inUse(String key) {
        Slot slot = slots.get(key);
        return slot == null ? 0 : slot.inUse;
    }

    private static final class Slot {
        int inUse;
        final Queue<CompletableFuture<Runnable>> waiters = new ArrayDeque<>();
    }
}
