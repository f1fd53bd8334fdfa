package io.smtpprobe.operator.rest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Who may start an ad-hoc check now: at most {@code rateLimit} per caller in each fixed window (then 429
 * with the seconds until the window ends), and at most {@code maxPending} checks admitted at once across
 * all callers (then 503), so that no caller can queue unbounded work behind the operator's probe slots.
 */
final class CheckAdmission {
    /** Why a check was not admitted; {@code retryAfterSeconds} goes into the {@code Retry-After} header. */
    record Refusal(int status, String reason, String message, long retryAfterSeconds) {
    }

    private record Window(long startNanos, int count) {
    }

    /** Callers remembered at most; beyond, the oldest window is forgotten (it could only grant more, never less, than the limit). */
    private static final int MAX_CALLERS = 10_000;

    private final int rateLimit;
    private final long windowNanos;
    private final int maxPending;
    private final LongSupplier nanoTime;
    private final AtomicInteger pending = new AtomicInteger();
    private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_CALLERS;
        }
    };

    CheckAdmission(int rateLimit, Duration window, int maxPending, LongSupplier nanoTime) {
        this.rateLimit = rateLimit;
        this.windowNanos = window.toNanos();
        this.maxPending = maxPending;
        this.nanoTime = nanoTime;
    }

    /** Counts one attempt against the caller's window; empty when within the limit. */
    synchronized Optional<Refusal> rate(String caller) {
        long now = nanoTime.getAsLong();
        Window w = windows.get(caller);
        if (w == null || now - w.startNanos() >= windowNanos) {
            w = new Window(now, 0);
        }
        if (w.count() >= rateLimit) {
            long left = windowNanos - (now - w.startNanos());
            long seconds = Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
            windows.put(caller, w);
            return Optional.of(new Refusal(429, "TooManyRequests",
                    "at most " + rateLimit + " checks per caller every " + Duration.ofNanos(windowNanos).toSeconds() + "s", seconds));
        }
        windows.put(caller, new Window(w.startNanos(), w.count() + 1));
        return Optional.empty();
    }

    /** Takes a pending slot, to be given back with {@link #release()} when the check ends however it ends. */
    Optional<Refusal> acquire() {
        while (true) {
            int now = pending.get();
            if (now >= maxPending) {
                return Optional.of(new Refusal(503, "ChecksBusy",
                        maxPending + " checks are already running or waiting; retry later", 5));
            }
            if (pending.compareAndSet(now, now + 1)) {
                return Optional.empty();
            }
        }
    }

    void release() {
        pending.decrementAndGet();
    }

    int pending() {
        return pending.get();
    }
}
