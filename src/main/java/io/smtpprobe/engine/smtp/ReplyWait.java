package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The one reply a connection awaits, with its deadline. Runs on the connection's event loop only.
 * One timer serves consecutive replies: re-armed only when it would fire too late, it is set about
 * once per connection instead of once per command (a timer costs a scheduled task).
 */
final class ReplyWait {

    private final Vertx vertx;
    private Promise<Reply> pending;
    private Duration pendingTimeout;
    private long pendingDeadlineNanos;
    private long timer = -1;
    private long timerDueNanos;

    ReplyWait(Vertx vertx) {
        this.vertx = vertx;
    }

    boolean active() {
        return pending != null;
    }

    /** Starts waiting; fails with {@link ReplyTimeoutException} unless completed within the timeout. */
    Future<Reply> start(Duration timeout) {
        pending = Promise.promise();
        pendingTimeout = timeout;
        long timeoutMs = Math.max(1, timeout.toMillis());
        pendingDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        if (timer >= 0 && timerDueNanos - pendingDeadlineNanos > 0) {
            cancelTimer();
        }
        if (timer < 0) {
            armTimer(timeoutMs);
        }
        return pending.future();
    }

    void complete(Reply reply) {
        if (pending != null) {
            take().complete(reply);
        }
    }

    void fail(RuntimeException cause) {
        if (pending != null) {
            take().fail(cause);
        }
    }

    void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void armTimer(long delayMs) {
        timerDueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
        timer = vertx.setTimer(delayMs, id -> onTimer());
    }

    private void onTimer() {
        timer = -1;
        if (pending == null) {
            return;
        }
        long leftNanos = pendingDeadlineNanos - System.nanoTime();
        if (leftNanos > 0) {
            armTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNanos + 999_999)));
            return;
        }
        fail(new ReplyTimeoutException(pendingTimeout));
    }

    private Promise<Reply> take() {
        Promise<Reply> promise = pending;
        pending = null;
        pendingTimeout = null;
        return promise;
    }
}
