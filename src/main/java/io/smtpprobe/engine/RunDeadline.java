package io.smtpprobe.engine;

import io.smtpprobe.core.DelayText;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Timeouts;
import java.time.Duration;

/**
 * The deadline of one whole run, on the monotonic clock. Every dialogue started under it gets its
 * connect, command and total deadlines shortened to what is left, so the dialogues still running
 * when it passes end by their own deadlines and close their sockets (no separate cancel path).
 */
final class RunDeadline {
    /** A dialogue cut by a shortened deadline ends a few ms around it; within this it ended because of the run's. */
    private static final long TOLERANCE_NANOS = Duration.ofMillis(100).toNanos();

    private final Duration limit;
    private final long deadlineNanos;

    private RunDeadline(Duration limit, long deadlineNanos) {
        this.limit = limit;
        this.deadlineNanos = deadlineNanos;
    }

    static RunDeadline after(Duration limit) {
        return new RunDeadline(limit, System.nanoTime() + limit.toNanos());
    }

    Duration remaining() {
        long left = deadlineNanos - System.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    /** True once the deadline has passed, or is so close that nothing started now could finish. */
    boolean passed() {
        return deadlineNanos - System.nanoTime() <= TOLERANCE_NANOS;
    }

    /** The options with every deadline at most what is left of the run. */
    ProbeOptions clamp(ProbeOptions options) {
        Duration left = remaining();
        Timeouts t = options.timeouts();
        if (t.connect().compareTo(left) <= 0 && t.command().compareTo(left) <= 0 && t.total().compareTo(left) <= 0) {
            return options;
        }
        Duration floor = left.isZero() ? Duration.ofMillis(1) : left;
        Timeouts clamped = new Timeouts(min(t.connect(), floor), min(t.command(), floor), min(t.total(), floor));
        return options.withTimeouts(clamped);
    }

    /** What an unfinished domain says. */
    String notFinished() {
        return "run deadline of " + DelayText.of(limit) + " reached before this domain finished";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
