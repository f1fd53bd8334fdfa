package io.smtpprobe.operator.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fencing rules of ShardState, on a hand-moved clock: lease 15 s, renew deadline 10 s. */
class ShardStateTest {
    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);

    private final HandClock clock = new HandClock();

    private ShardState state(String self) {
        return new ShardState(self, LEASE, RENEW_DEADLINE, clock);
    }

    @Test
    void aJoiningReplicaActsOnlyAfterItsLeaseWasVisibleForOneLeaseDuration() {
        var a = state("op-a");
        assertThat(a.view().acting()).isFalse();
        a.synced(Map.of("op-a", "1", "op-b", "7"));
        assertThat(a.view().members()).containsExactly("op-a", "op-b");
        assertThat(a.view().acting()).isFalse();
        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofSeconds(2));
            a.synced(Map.of("op-a", "" + (i + 2), "op-b", "" + (8 + i)));
            assertThat(a.view().acting()).as("after %d s", (i + 1) * 2).isFalse();
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.view().acting()).isTrue();
    }

    @Test
    void aReplicaThatCouldNotSyncForTheRenewDeadlineStopsAndThenJoinsAnew() {
        var a = joined("op-a");
        clock.advance(Duration.ofSeconds(9));
        assertThat(a.view().acting()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.view().acting()).as("renew deadline passed without a sync").isFalse();
        assertThat(a.view().members()).isEmpty();
        a.synced(Map.of("op-a", "100"));
        assertThat(a.view().acting()).as("back, but others may hold its resources").isFalse();
        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofSeconds(2));
            a.synced(Map.of("op-a", "" + (101 + i)));
            assertThat(a.view().acting()).isFalse();
        }
        clock.advance(Duration.ofSeconds(1));
        a.synced(Map.of("op-a", "110"));
        assertThat(a.view().acting()).isTrue();
    }

    @Test
    void aMemberWhoseLeaseStopsChangingLeavesTheViewOneLeaseDurationAfterTheLastChangeSeenHere() {
        var a = joined("op-a");
        a.synced(Map.of("op-a", "50", "op-b", "b-last"));
        assertThat(a.view().members()).containsExactly("op-a", "op-b");
        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofSeconds(2));
            a.synced(Map.of("op-a", "" + (51 + i), "op-b", "b-last"));
        }
        assertThat(a.view().members()).as("14 s after the last change").containsExactly("op-a", "op-b");
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.view().members()).containsExactly("op-a");
        assertThat(a.view().acting()).as("a leaving member does not make the others wait").isTrue();
    }

    @Test
    void aMemberThatDeletedItsLeaseLeavesAtTheNextSync() {
        var a = joined("op-a");
        a.synced(Map.of("op-a", "60", "op-b", "9"));
        assertThat(a.view().members()).containsExactly("op-a", "op-b");
        clock.advance(Duration.ofSeconds(2));
        a.synced(Map.of("op-a", "61"));
        assertThat(a.view().members()).containsExactly("op-a");
    }

    @Test
    void theLossOfAMemberIsFencedByItsOwnRenewDeadline() {
        // op-b's last renewal is seen by op-a no earlier than it happened; op-b stops RENEW_DEADLINE after it,
        // op-a takes over LEASE after it saw it: with the same clock rate, never before op-b stopped.
        var both = joined(state("op-a"), state("op-b"));
        var a = both[0];
        var b = both[1];
        a.synced(Map.of("op-a", "a1", "op-b", "b1"));
        b.synced(Map.of("op-a", "a1", "op-b", "b1"));
        Instant lastRenewalOfB = clock.instant();
        while (a.view().members().contains("op-b")) {
            clock.advance(Duration.ofMillis(100));
            a.synced(Map.of("op-a", "a" + clock.instant().toEpochMilli(), "op-b", "b1"));
            if (a.view().members().contains("op-b")) {
                continue;
            }
            assertThat(b.view().acting()).as("op-b stopped before op-a counts it gone").isFalse();
        }
        assertThat(Duration.between(lastRenewalOfB, clock.instant())).isEqualTo(LEASE);
    }

    @Test
    void aLeaveIsFinal() {
        var a = joined("op-a");
        a.leave();
        a.synced(Map.of("op-a", "70"));
        assertThat(a.view()).isEqualTo(ShardView.idle("op-a"));
    }

    @Test
    void leasesUnchangedForFourLeaseDurationsOrAMinuteAreAbandoned() {
        var a = joined("op-a");
        a.synced(Map.of("op-a", "80", "op-gone", "1"));
        for (int i = 0; i < 29; i++) {
            clock.advance(Duration.ofSeconds(2));
            a.synced(Map.of("op-a", "" + (81 + i), "op-gone", "1"));
        }
        assertThat(a.abandoned()).isEmpty();
        clock.advance(Duration.ofSeconds(2));
        assertThat(a.abandoned()).containsExactly("op-gone");
    }

    @Test
    void aRenewDeadlineNotShorterThanTheLeaseCannotFenceAndIsRefused() {
        assertThatThrownBy(() -> new ShardState("op-a", LEASE, LEASE, clock)).hasMessageContaining("renew deadline");
    }

    private ShardState joined(String self) {
        return joined(new ShardState[] {state(self)})[0];
    }

    /** Syncs every 2 s, as the retry period does, until each has held its Lease for one lease duration. */
    private ShardState[] joined(ShardState... states) {
        for (int i = 0; i <= LEASE.toSeconds() / 2 + 1; i++) {
            for (ShardState s : states) {
                s.synced(Map.of(s.view().self(), "r" + i));
            }
            clock.advance(Duration.ofSeconds(2));
        }
        for (ShardState s : states) {
            s.synced(Map.of(s.view().self(), "joined"));
            assertThat(s.view().acting()).isTrue();
        }
        return states;
    }

    private static final class HandClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T20:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
