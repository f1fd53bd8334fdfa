package io.smtpprobe.operator.controller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Stops the leader's probing once it cannot show a renewal of its Lease that keeps the Lease from
 * expiring for another replica, on the monotonic clock and whatever the API client is doing.
 *
 * <p>fabric8's LeaderElector checks its renew deadline only between two attempts, and one attempt
 * (a GET and a PUT of the Lease) can take the client's request timeout (10 s) and its retries; its
 * stop callback reads the Lease once more first. Cut off by a partition, a leader went on probing for
 * 10 s after the cut in {@code ControllerFaultsIT}, past the moment another replica may take a lease
 * of 10 s, and would with the defaults (15 s lease, 10 s renew deadline) for about 24 s.
 *
 * <p>So the watchdog looks at the Lease itself, every retry period, never with more than one look in
 * flight. A look that finds this replica holding the Lease with a renewTime it has not seen before
 * shows a renewal: the leader may probe until the moment the Lease can expire for another replica, the
 * renewTime plus the lease duration, less {@link #MARGIN}. Not the renew deadline after it: that is
 * fabric8's own bound for giving up, and holding the watchdog to it made it stricter than fabric8 by
 * the latency of its own look, so a loaded leader that fabric8 still renewed stopped and restarted
 * (the chart's pod under 1,000 new resources). Until the first renewal is seen, leadership holds for a
 * renew deadline from when it was acquired: the acquisition's own time is not known. The renewTime is the one
 * wall-clock time used, against this replica's own clock when the answer came; a renewTime in the future
 * (the clock stepped back) proves nothing, and one from before a forward step looks old: a clock step can end leadership
 * early, never extend it.
 */
final class LeaseWatchdog {
    /** One look at the Lease: its renewTime when this replica holds it, empty when it does not. */
    interface Look extends Supplier<Optional<Instant>> {
    }

    /** Rounding of renewTime (microseconds) and of the clocks: a renewal this far in the future still counts as now. */
    static final Duration TOLERANCE = Duration.ofMillis(50);
    /** Probing ends this long before the Lease can expire: the check's tick and the clocks' rounding. */
    static final Duration MARGIN = Duration.ofMillis(250);

    private final Duration renewDeadline;
    private final Duration leaseDuration;
    private final LongSupplier nanoTime;
    private final Clock wall;
    private final Look look;
    private final Executor executor;
    private final Runnable onExpired;
    private boolean armed;
    private long validUntil;
    private boolean lookInFlight;
    private Instant lastRenewal;

    LeaseWatchdog(Duration renewDeadline, Duration leaseDuration, LongSupplier nanoTime, Clock wall, Look look, Executor executor,
            Runnable onExpired) {
        this.renewDeadline = renewDeadline;
        this.leaseDuration = leaseDuration;
        this.nanoTime = nanoTime;
        this.wall = wall;
        this.look = look;
        this.executor = executor;
        this.onExpired = onExpired;
    }

    /** Leadership was just acquired: it holds for a renew deadline from now unless renewals are seen. */
    synchronized void arm() {
        armed = true;
        validUntil = nanoTime.getAsLong() + renewDeadline.toNanos();
    }

    synchronized void disarm() {
        armed = false;
    }

    synchronized boolean armed() {
        return armed;
    }

    /** Starts a look at the Lease, unless one is still out (a hung request must not pile up threads). */
    void look() {
        synchronized (this) {
            if (!armed || lookInFlight) {
                return;
            }
            lookInFlight = true;
        }
        try {
            CompletableFuture.supplyAsync(look, executor).whenComplete((renewed, error) ->
                    looked(error == null ? renewed : Optional.empty()));
        } catch (RuntimeException rejected) {
            looked(Optional.empty());
        }
    }

    /**
     * Ages the renewal against the moment the answer came, not the moment the look was sent: a look
     * queued behind other requests returns renewals made after it was sent, and those count.
     */
    private synchronized void looked(Optional<Instant> renewed) {
        lookInFlight = false;
        if (renewed.isEmpty() || renewed.get().equals(lastRenewal)) {
            return;
        }
        lastRenewal = renewed.get();
        long answered = nanoTime.getAsLong();
        Duration age = Duration.between(renewed.get(), wall.instant());
        if (age.compareTo(TOLERANCE.negated()) < 0) {
            return;
        }
        long expires = answered - Math.max(0, age.toNanos()) + leaseDuration.toNanos() - MARGIN.toNanos();
        if (expires - validUntil > 0) {
            validUntil = expires;
        }
    }

    /** Runs {@code onExpired} once leadership is no longer shown to hold; true then. */
    boolean check() {
        synchronized (this) {
            if (!armed || nanoTime.getAsLong() - validUntil < 0) {
                return false;
            }
            armed = false;
        }
        onExpired.run();
        return true;
    }

    /** How long leadership is still shown to hold; negative once it is not. */
    synchronized Duration remaining() {
        return Duration.ofNanos(validUntil - nanoTime.getAsLong());
    }
}
