package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.Limits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One SMTP client connection without pipelining: at most one reply is awaited at a time, and that
 * promise is failed explicitly when the socket closes or errors so no caller ever waits for a
 * timer to notice a dead peer. All methods run on the socket's event loop.
 */
final class SmtpConnection {

    /** The peer closed or reset the connection. */
    static final class ClosedException extends RuntimeException {
        ClosedException(String message) {
            super(message, null, false, false);
        }
    }

    /** No complete reply within the per-command deadline. */
    static final class ReplyTimeoutException extends RuntimeException {
        ReplyTimeoutException(Duration timeout) {
            super("no complete reply within " + timeout.toMillis() + " ms", null, false, false);
        }
    }

    /** The probe refused to put a command with control characters on the wire. */
    static final class UnsafeCommandException extends RuntimeException {
        UnsafeCommandException(String message) {
            super(message, null, false, false);
        }
    }

    /** Without pipelining at most one reply is due; a few more are tolerated, a flood is not. */
    private static final int MAX_UNREAD_REPLIES = 8;

    private final Vertx vertx;
    private final NetSocket socket;
    private final ReplyParser parser;
    private final Transcript transcript;
    private final Deque<Reply> unread = new ArrayDeque<>();
    private Promise<Reply> pending;
    private Duration pendingTimeout;
    private long pendingDeadlineNanos;
    // One timer serves consecutive replies: re-armed only when it would fire too late, it is set
    // about once per connection instead of once per command (a timer costs a scheduled task).
    private long timer = -1;
    private long timerDueNanos;
    private RuntimeException failure;
    private boolean closed;

    SmtpConnection(Vertx vertx, NetSocket socket, Limits limits, Transcript transcript) {
        this.vertx = vertx;
        this.socket = socket;
        this.parser = new ReplyParser(limits);
        this.transcript = transcript;
        socket.handler(this::onData);
        socket.exceptionHandler(this::onError);
        socket.closeHandler(v -> onClosed());
    }

    NetSocket socket() {
        return socket;
    }

    /** Sends one command line, as the transcript also shows it, and awaits its reply. */
    Future<Reply> command(String line, Duration timeout) {
        if (ServerText.hasControlCharacter(line)) {
            // the transcript and the result detail sanitise it; escaping here too would do it twice
            String shown = ServerText.cap(line, 120);
            transcript.info("refused to send a command with control characters: " + shown);
            return Future.failedFuture(new UnsafeCommandException(
                    "refused to send a command containing control characters: " + shown));
        }
        return write(line + "\r\n", line).compose(v -> readReply(timeout));
    }

    /** Writes raw protocol text (the message after DATA); the caller made it safe. */
    Future<Void> write(String text, String shown) {
        if (failure != null) {
            return Future.failedFuture(failure);
        }
        transcript.client(shown);
        return socket.write(Buffer.buffer(text)).recover(error -> Future.failedFuture(
                failure != null ? failure : SocketErrors.isTransportError(error)
                        ? new ClosedException("connection error: " + error.getMessage()) : error));
    }

    Future<Reply> readReply(Duration timeout) {
        if (pending != null) {
            return Future.failedFuture(new IllegalStateException("a reply is already awaited"));
        }
        if (!unread.isEmpty()) {
            return Future.succeededFuture(unread.poll());
        }
        if (failure != null) {
            return Future.failedFuture(failure);
        }
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
        failPending(new ReplyTimeoutException(pendingTimeout));
    }

    /**
     * True when the server sent more than the reply just read. Right after the 220 to STARTTLS
     * such bytes were sent in plaintext and must not be taken for post-TLS replies.
     */
    boolean hasUnreadInput() {
        return !unread.isEmpty() || parser.hasPartialReply();
    }

    /** Usable for a polite QUIT: open, and the reply stream still in sync. */
    boolean usable() {
        return !closed && failure == null;
    }

    boolean isClosed() {
        return closed;
    }

    /** Fails whatever is awaited, e.g. when the whole probe ran out of time. */
    void abort(RuntimeException cause) {
        if (failure == null) {
            failure = cause;
        }
        failPending(cause);
    }

    Future<Void> close() {
        cancelTimer();
        if (closed) {
            return Future.succeededFuture();
        }
        return socket.close().recover(e -> Future.succeededFuture());
    }

    private void onData(Buffer data) {
        try {
            List<Reply> replies = parser.feed(data);
            for (Reply reply : replies) {
                transcript.server(reply);
            }
            // all replies of this read are queued before any is handed out, so the STARTTLS step
            // sees injected ones that came in the same packet
            unread.addAll(replies);
            if (unread.size() > MAX_UNREAD_REPLIES) {
                throw new ProtocolViolationException("server sent more than " + MAX_UNREAD_REPLIES + " replies nobody asked for");
            }
        } catch (ProtocolViolationException e) {
            transcript.info("protocol violation: " + e.getMessage());
            fail(e);
            return;
        } catch (RuntimeException e) {
            // a bug of ours while reading: Vert.x would only log it, and the probe would wait for the
            // reply timeout and blame the server; the dialogue reports it as an internal error instead
            fail(e);
            return;
        }
        if (pending != null && !unread.isEmpty()) {
            Promise<Reply> promise = takePending();
            promise.complete(unread.poll());
        }
    }

    private void fail(RuntimeException cause) {
        failure = cause;
        unread.clear();
        failPending(cause);
        socket.close();
    }

    private void onError(Throwable error) {
        if (failure == null) {
            // a reset or a TLS alert is the peer's doing; anything else was thrown by code of ours
            failure = SocketErrors.isTransportError(error)
                    ? new ClosedException("connection error: " + error.getMessage())
                    : error instanceof RuntimeException e ? e : new IllegalStateException(error);
        }
        failPending(failure);
    }

    private void onClosed() {
        closed = true;
        cancelTimer();
        if (failure == null) {
            failure = new ClosedException("the server closed the connection");
        }
        failPending(failure);
    }

    private void failPending(RuntimeException cause) {
        if (pending != null) {
            takePending().fail(cause);
        }
    }

    private Promise<Reply> takePending() {
        Promise<Reply> promise = pending;
        pending = null;
        pendingTimeout = null;
        return promise;
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
