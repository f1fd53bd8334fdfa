package io.smtpprobe.operator.sharding;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Membership and fencing, without I/O: fed with what the API server said, it answers who the live
 * members are and whether this replica may act. Times are this replica's own clock only; a
 * member's Lease counts as live while its resourceVersion changed within the lease duration as
 * seen from here (as client-go's and fabric8's leader election judge a Lease), so clock skew
 * between replicas does not matter, only their clocks' rates.
 *
 * <p>Why no resource is probed by two replicas at once. A resource moves between two members only
 * when a view changes, and with rendezvous hashing only two kinds of change move anything:
 * <ul>
 *   <li>A member joins: resources move from the others to it alone. It acts only once its Lease has
 *   been renewed without a gap for one lease duration ({@code settle}). Within that time every
 *   other member has either listed the Leases and seen it (they list every retry period), and
 *   dropped what it takes, or failed to sync for the renew deadline and stopped acting altogether.
 *   Needs {@code settle > renewDeadline} and {@code settle > retryPeriod} plus a list's latency.</li>
 *   <li>A member leaves: resources move from it to the others. Either it deleted its Lease on the
 *   way out, after it had stopped probing and writing (graceful), or its Lease stopped changing:
 *   the others wait one lease duration from the last change they saw, and it stopped acting
 *   {@code renewDeadline} after its last successful renewal, which was no later than that change.
 *   {@code leaseDuration - renewDeadline} (5 s by default) is the margin for a status write it had
 *   in flight.</li>
 * </ul>
 * A replica that could not renew and list for the renew deadline stops acting at once; when it
 * syncs again it counts as joining anew and waits the settle time again, since meanwhile the
 * others may have taken its resources. A view that changed is applied before anything else: lost
 * resources are dropped (probes cancelled, results discarded) before gained ones start.
 */
final class ShardState {
    private final String self;
    private final Duration leaseDuration;
    private final Duration renewDeadline;
    private final Duration forgetAfter;
    private final Clock clock;
    private final Map<String, Seen> others = new HashMap<>();
    private Instant lastSync;
    private Instant joinedAt;
    private boolean left;

    /** Another member's Lease: its last resourceVersion and when this replica saw it change. */
    private record Seen(String resourceVersion, Instant changedAt) {
    }

    ShardState(String self, Duration leaseDuration, Duration renewDeadline, Clock clock) {
        if (renewDeadline.compareTo(leaseDuration) >= 0) {
            throw new IllegalArgumentException("the renew deadline (" + renewDeadline
                    + ") must be shorter than the lease duration (" + leaseDuration + "), or handovers are not fenced");
        }
        this.self = self;
        this.leaseDuration = leaseDuration;
        this.renewDeadline = renewDeadline;
        this.forgetAfter = leaseDuration.multipliedBy(4).compareTo(Duration.ofMinutes(1)) > 0
                ? leaseDuration.multipliedBy(4) : Duration.ofMinutes(1);
        this.clock = clock;
    }

    /**
     * Own Lease renewed and every member's Lease listed, just now.
     *
     * @param leases the other members' identities and their Leases' resourceVersions (this replica's own is ignored)
     */
    synchronized void synced(Map<String, String> leases) {
        if (left) {
            return;
        }
        Instant now = clock.instant();
        if (lastSync == null || !now.isBefore(lastSync.plus(renewDeadline))) {
            // first sync, or after a gap in which others may have taken over: join (again)
            joinedAt = now;
        }
        lastSync = now;
        others.keySet().retainAll(leases.keySet());
        leases.forEach((member, version) -> {
            if (member.equals(self)) {
                return;
            }
            Seen seen = others.get(member);
            if (seen == null || !seen.resourceVersion().equals(version)) {
                others.put(member, new Seen(version, now));
            }
        });
    }

    /** This replica stopped acting for good (shutdown): it never counts as a member again. */
    synchronized void leave() {
        left = true;
        lastSync = null;
    }

    synchronized ShardView view() {
        Instant now = clock.instant();
        if (left || lastSync == null || !now.isBefore(lastSync.plus(renewDeadline))) {
            return ShardView.idle(self);
        }
        var members = new TreeSet<String>();
        members.add(self);
        others.forEach((member, seen) -> {
            if (now.isBefore(seen.changedAt().plus(leaseDuration))) {
                members.add(member);
            }
        });
        boolean acting = !now.isBefore(joinedAt.plus(leaseDuration));
        return new ShardView(self, new ArrayList<>(members), acting);
    }

    /** Members whose Lease has not changed for long: their Leases may be deleted (a pod that never came back). */
    synchronized List<String> abandoned() {
        Instant now = clock.instant();
        return others.entrySet().stream().filter(e -> !now.isBefore(e.getValue().changedAt().plus(forgetAfter)))
                .map(Map.Entry::getKey).sorted().toList();
    }
}
