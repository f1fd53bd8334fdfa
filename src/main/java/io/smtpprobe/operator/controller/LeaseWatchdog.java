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
 * Stops the leader's probing once it cannot show that it renewed its Lease within the renew deadline,
 * on the monotonic clock and whatever the API client is doing.
 *
 * <p>fabric8's LeaderElector checks its renew deadline only between two attempts, and one attempt
 * (a GET and a PUT of the Lease) can take the client's request timeout (10 s) and its retries; its
 * stop callback reads the Lease once more first. Cut off by a partition, a leader went on probing for
 * 10 s after the cut in {@code ControllerFaultsIT}, past the moment another replica may take a lease
 * of 10 s, and would with the defaults (15 s lease, 10 s renew deadline) for about 24 s.
 *
 * <p>So the watchdog looks at the Lease itself, every retry period, never with more than one look in
 * flight. A look that finds this replica holding the Lease with a renewTime it has not seen before
 * shows a renewal, done by the time the answer came: the leader may probe until that moment plus the
 * renew deadline (fabric8's meaning of it), but never past the moment the Lease can expire for another
 * replica, the renewTime plus the lease duration, less {@link #MARGIN}. The renewTime is the one
 * wall-clock time used, against this replica's own clock; a renewTime in the future (the clock stepped
 * back) proves nothing, and one from before a forward step looks old: a clock step can end leadership
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
        long sent;
        Instant sentAt;
        synchronized (this) {
            if (!armed || lookInFlight) {
                return;
            }
            lookInFlight = true;
            sent = nanoTime.getAsLong();
            sentAt = wall.instant();
        }
        try {
            CompletableFuture.supplyAsync(look, executor).whenComplete((renewed, error) ->
                    looked(sent, sentAt, error == null ? renewed : Optional.empty()));
        } catch (RuntimeException rejected) {
            looked(sent, sentAt, Optional.empty());
        }
    }

    private synchronized void looked(long sent, Instant sentAt, Optional<Instant> renewed) {
        lookInFlight = false;
        if (renewed.isEmpty() || renewed.get().equals(lastRenewal)) {
            return;
        }
        lastRenewal = renewed.get();
        Duration age = Duration.between(renewed.get(), sentAt);
        if (age.compareTo(TOLERANCE.negated()) < 0) {
            return;
        }
        long expires = sent - Math.max(0, age.toNanos()) + leaseDuration.toNanos() - MARGIN.toNanos();
        long renewedBy = nanoTime.getAsLong();
        long until = Math.min(renewedBy + renewDeadline.toNanos(), expires);
        if (until - validUntil > 0) {
            validUntil = until;
        }
    }

    /** Runs {@code onExpired} once when the renew deadline has passed without a renewal seen; true then. */
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
