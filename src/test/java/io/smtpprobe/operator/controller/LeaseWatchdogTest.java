package io.smtpprobe.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The leader's own proof of renewal, on hand-moved clocks and a Lease the test scripts. */
class LeaseWatchdogTest {
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    static final Duration RETRY = Duration.ofSeconds(2);

    final AtomicLong nanos = new AtomicLong(-5_000_000_000L);
    final MutableClock wall = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
    final AtomicInteger expired = new AtomicInteger();
    /** What the next look finds: the renewTime of a Lease this replica holds, or empty (not held, or the request failed). */
    Optional<Instant> lease = Optional.empty();
    final Queue<Runnable> pendingLooks = new ArrayDeque<>();
    final LeaseWatchdog watchdog = watchdog(LEASE_DURATION);

    LeaseWatchdog watchdog(Duration leaseDuration) {
        return new LeaseWatchdog(RENEW_DEADLINE, leaseDuration, nanos::get, wall, () -> lease, pendingLooks::add,
                expired::incrementAndGet);
    }

    @Test
    void renewalsSeenEveryRetryPeriodKeepTheLeaderProbing() {
        watchdog.arm();
        for (int i = 0; i < 60; i++) {
            lease = Optional.of(wall.instant());
            advance(RETRY.dividedBy(2));
            lookAndAnswer();
            advance(RETRY.dividedBy(2));
            assertThat(watchdog.check()).isFalse();
        }
        assertThat(expired).hasValue(0);
        assertThat(watchdog.remaining()).as("until the last renewal seen can expire, less the margin")
                .isEqualTo(LEASE_DURATION.minus(LeaseWatchdog.MARGIN).minus(RETRY));
    }

    @Test
    void aLeaderWhoseLooksHangStopsBeforeTheLastRenewalItSawCanExpire() {
        watchdog.arm();
        advance(RETRY);
        lease = Optional.of(wall.instant().minusMillis(300));
        lookAndAnswer();

        watchdog.look(); // partition: this look never returns
        for (int i = 0; i < 20; i++) {
            watchdog.look(); // and no other piles up behind it
        }
        assertThat(pendingLooks).hasSize(1);
        // the renewal was 300 ms before the answer: it can expire 15 s after it
        advance(LEASE_DURATION.minusMillis(300).minus(LeaseWatchdog.MARGIN).minusMillis(1));
        assertThat(watchdog.check()).as("just before").isFalse();
        advance(Duration.ofMillis(1));
        assertThat(watchdog.check()).as("the renewal seen plus the lease duration, less the margin").isTrue();
        assertThat(watchdog.check()).as("once").isFalse();
        assertThat(expired).hasValue(1);
    }

    @Test
    void neverPastTheMomentTheLeaseCanExpireForAnotherReplica() {
        var shortLease = watchdog(Duration.ofSeconds(11));
        shortLease.arm();
        advance(Duration.ofSeconds(3));
        lease = Optional.of(wall.instant().minusSeconds(2)); // a slow renewal, stamped 2 s before its answer came
        shortLease.look();
        pendingLooks.poll().run();
        // the renewTime (t = 1 s) plus 11 s, less the margin
        advance(Duration.ofSeconds(9).minus(LeaseWatchdog.MARGIN).minusMillis(1));
        assertThat(shortLease.check()).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(shortLease.check()).isTrue();
    }

    @Test
    void slowLooksOfARenewedLeaseKeepTheLeaderProbingPastTheRenewDeadline() {
        watchdog.arm();
        // fabric8 renews every retry period; under load each look answers 4 s after it was sent, with a renewal
        // made after the look was sent
        for (int i = 0; i < 30; i++) {
            watchdog.look();
            advance(Duration.ofSeconds(4));
            lease = Optional.of(wall.instant().minusSeconds(3));
            pendingLooks.poll().run();
            assertThat(watchdog.check()).isFalse();
        }
        assertThat(expired).hasValue(0);
    }

    @Test
    void withoutARenewalSeenLeadershipEndsARenewDeadlineAfterItWasAcquired() {
        watchdog.arm();
        // a renewal from before the acquisition, which can expire sooner than a renew deadline after it, extends nothing
        lease = Optional.of(wall.instant().minusSeconds(6));
        for (int i = 0; i < 4; i++) {
            lookAndAnswer();
            advance(RETRY);
            watchdog.check();
        }
        assertThat(expired).as("8 s").hasValue(0);
        advance(RETRY);
        assertThat(watchdog.check()).as("10 s after arming").isTrue();
    }

    @Test
    void aLeaseHeldByAnotherReplicaProvesNothing() {
        watchdog.arm();
        for (int i = 0; i < 5; i++) {
            advance(RETRY);
            lease = Optional.empty();
            lookAndAnswer();
            watchdog.check();
        }
        assertThat(expired).hasValue(1);
    }

    @Test
    void aWallClockStepNeverExtendsLeadership() {
        watchdog.arm();
        advance(RETRY);
        // stepped back an hour: the renewal written before the step looks an hour in the future
        lease = Optional.of(wall.instant());
        wall.advance(Duration.ofHours(-1));
        lookAndAnswer();
        // stepped forward two hours: it now looks an hour old
        wall.advance(Duration.ofHours(2));
        lookAndAnswer();
        advance(RENEW_DEADLINE.minus(RETRY));
        assertThat(watchdog.check()).as("a renew deadline after arming, as if nothing had been seen").isTrue();
    }

    @Test
    void aStandbyIsNeverStopped() {
        for (int i = 0; i < 10; i++) {
            watchdog.look();
            advance(RENEW_DEADLINE);
            assertThat(watchdog.check()).isFalse();
        }
        assertThat(pendingLooks).isEmpty();
        watchdog.arm();
        watchdog.disarm();
        advance(RENEW_DEADLINE.multipliedBy(2));
        assertThat(watchdog.check()).isFalse();
    }

    private void lookAndAnswer() {
        watchdog.look();
        assertThat(pendingLooks).hasSize(1);
        pendingLooks.poll().run();
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        wall.advance(d);
    }
}
