package io.smtpprobe.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

    private int perHost;
    private final Map<String, Slot> slots = new HashMap<>();

    public HostLimiter(int perHost) {
        if (perHost < 1) {
            throw new IllegalArgumentException("per-host limit must be at least 1");
        }
        this.perHost = perHost;
    }

    public synchronized int perHost() {
        return perHost;
    }

    /**
     * Changes the limit, e.g. when the operator's replicas share the politeness budget and their
     * number changes. A higher limit admits waiters at once; a lower one takes effect as
     * connections end (none is cut).
     */
    public void resize(int newLimit) {
        if (newLimit < 1) {
            throw new IllegalArgumentException("per-host limit must be at least 1");
        }
        List<Runnable> admit = new ArrayList<>();
        synchronized (this) {
            perHost = newLimit;
            slots.forEach((key, slot) -> {
                while (slot.inUse < perHost && !slot.waiters.isEmpty()) {
                    CompletableFuture<Runnable> next = slot.waiters.poll();
                    slot.inUse++;
                    admit.add(() -> {
                        Runnable permit = release(key);
                        if (!next.complete(permit)) {
                            permit.run();
                        }
                    });
                }
            });
        }
        // Outside the lock, as in release: completing runs the waiter's continuation.
        admit.forEach(Runnable::run);
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
                // above a lowered limit, a freed permit is returned rather than passed on
                next = slot.inUse > perHost ? null : slot.waiters.poll();
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
