package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import io.smtpprobe.core.Limits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;

/**
 * One SMTP client connection without pipelining: at most one reply is awaited at a time, and that
 * promise is failed explicitly when the socket closes or errors so no caller ever waits for a
 * timer to notice a dead peer. All methods run on the socket's event loop. Which bytes pair with
 * which command is {@link ReplyPairing}'s to judge; input it refuses fails and closes the connection.
 */
final class SmtpConnection {

    private final NetSocket socket;
    private final ReplyPairing pairing;
    private final Transcript transcript;
    /** The reply that arrived before {@link #readReply} asked for it; at most one. */
    private Reply ready;
    private final ReplyWait wait;
    private RuntimeException failure;
    private boolean closed;
    /** The socket's own error (a reset, say), kept because a failed handshake only reports the close it caused. */
    private Throwable transportError;
    /** UTF-8 in commands only after the server offered SMTPUTF8 and MAIL FROM asked for it (RFC 6531). */
    private boolean utf8Allowed;

    /**
     * Connects, or fails with {@link ProbeCancelledException} as soon as {@code cancellation} fires
     * while the TCP connect is still pending (a server whose backlog is full, a SYN nobody answers),
     * instead of when the connect timeout ends it. Vert.x offers no handle on a pending connect, so
     * it is abandoned, not aborted: its SYN retries end at the client's connect timeout, and a socket
     * it still yields is closed unused, before a byte is read or written. Call on the dialogue's context.
     */
    static Future<NetSocket> connect(Vertx vertx, NetClient client, SocketAddress remote, String serverName,
                                     ProbeCancellation cancellation) {
        Context context = vertx.getOrCreateContext();
        Promise<NetSocket> outcome = Promise.promise();
        Runnable stopListening = cancellation.onCancel(() -> context.runOnContext(
                v -> outcome.tryFail(new ProbeCancelledException())));
        client.connect(remote, serverName).onComplete(connected -> {
            stopListening.run();
            if (connected.failed()) {
                outcome.tryFail(connected.cause());
            } else if (!outcome.tryComplete(connected.result())) {
                connected.result().close();
            }
        });
        return outcome.future();
    }

    SmtpConnection(Vertx vertx, NetSocket socket, Limits limits, Transcript transcript) {
        this.socket = socket;
        this.pairing = new ReplyPairing(limits, transcript);
        this.transcript = transcript;
        this.wait = new ReplyWait(vertx);
        socket.handler(this::onData);
        socket.exceptionHandler(this::onError);
        socket.closeHandler(v -> onClosed());
    }

    NetSocket socket() {
        return socket;
    }

    /**
     * Sends one command line, as the transcript also shows it, and awaits its reply. The line ends
     * in CRLF and nothing else in it may break a line: a command with a CR, LF or other control
     * character, non-ASCII without SMTPUTF8, or more than {@link Commands#MAX_LINE_OCTETS} is refused
     * whole, never cut or escaped into something the caller did not mean.
     */
    Future<Reply> command(String line, Duration timeout) {
        return command(line, line, timeout);
    }

    /**
     * A command the transcript shows as {@code shown} (AUTH's lines carry the password): a refusal
     * names only what is shown, never the line itself.
     */
    Future<Reply> command(String line, String shown, Duration timeout) {
        RuntimeException refusal = CommandGuard.refusal(line, utf8Allowed);
        if (refusal != null) {
            if (refusal instanceof UnsafeCommandException && !shown.equals(line)) {
                // its message quotes the line, which is the secret
                refusal = new UnsafeCommandException("refused to send " + shown + ": not a safe command line");
            }
            // the transcript and the result detail sanitise it; escaping here too would do it twice
            transcript.info(refusal.getMessage());
            return Future.failedFuture(refusal);
        }
        expectReply(Commands.verb(shown));
        return write(line + "\r\n", shown).compose(v -> readReply(timeout));
    }

    /**
     * Marks one reply as due, before the bytes that ask for it are written (so a fast reply is never
     * taken for an unsolicited one). {@link #command} does it itself; the end of DATA's message needs it.
     */
    void expectReply(String what) {
        pairing.expectReply(what);
    }

    /** From now on commands may carry UTF-8: MAIL FROM asked for SMTPUTF8, which the server offered. */
    void allowUtf8() {
        utf8Allowed = true;
    }

    /**
     * Implicit TLS: the handshake comes before any SMTP, so no plaintext byte may reach this
     * connection until {@link #tlsEstablished()}; one that does is kept as evidence and fails it.
     */
    void awaitTlsHandshake() {
        pairing.awaitTlsHandshake();
    }

    /** The handshake of implicit TLS completed: the banner is due, over TLS. */
    void tlsEstablished() {
        pairing.tlsEstablished();
    }

    /** The first reset, broken pipe or TLS error the socket reported, or null. */
    Throwable transportError() {
        return transportError;
    }

    /** The start of what the server sent in plaintext instead of a TLS handshake, or null. */
    String plaintextBeforeTls() {
        return pairing.plaintextBeforeTls();
    }

    /** The session is over (QUIT was answered): input from now on is discarded, never paired. */
    void finish() {
        pairing.finish();
    }

    /** Why the reply stream went out of step with the commands, or null while it is in step. */
    ProtocolViolationException outOfStep() {
        return pairing.outOfStep();
    }

    /** Writes raw protocol text (the message after DATA); the caller made it safe. */
    Future<Void> write(String text, String shown) {
        return write(Buffer.buffer(text), shown);
    }

    /** Writes raw protocol bytes (the message after DATA, prebuilt); the caller made them safe. */
    Future<Void> write(Buffer bytes, String shown) {
        if (failure != null) {
            return Future.failedFuture(failure);
        }
        transcript.client(shown);
        return socket.write(bytes).recover(error -> Future.failedFuture(
                failure != null ? failure : SocketErrors.isTransportError(error)
                        ? new PeerClosedException("connection error: " + error.getMessage()) : error));
    }

    /** A QUIT whose reply is never awaited, written even after {@link #abort}: the run was cancelled. */
    Future<Void> goodbye() {
        transcript.client("QUIT");
        return socket.write(Buffer.buffer("QUIT\r\n"));
    }

    Future<Reply> readReply(Duration timeout) {
        if (wait.active()) {
            return Future.failedFuture(new IllegalStateException("a reply is already awaited"));
        }
        if (ready != null) {
            Reply reply = ready;
            ready = null;
            return Future.succeededFuture(reply);
        }
        if (failure != null) {
            return Future.failedFuture(failure);
        }
        return wait.start(timeout);
    }

    /**
     * True when the server sent more than the reply just read. Right after the 220 to STARTTLS
     * such bytes were sent in plaintext and must not be taken for post-TLS replies.
     */
    boolean hasUnreadInput() {
        return ready != null || pairing.outOfStep() != null || pairing.hasPartialReply();
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
        wait.fail(cause);
    }

    Future<Void> close() {
        wait.cancelTimer();
        if (closed) {
            return Future.succeededFuture();
        }
        return socket.close().recover(e -> Future.succeededFuture());
    }

    private void onData(Buffer data) {
        Reply due;
        try {
            due = pairing.accept(data, socket.isSsl());
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
        if (due == null) {
            return;
        }
        if (wait.active()) {
            wait.complete(due);
        } else {
            ready = due;
        }
    }

    private void fail(RuntimeException cause) {
        failure = cause;
        ready = null;
        wait.fail(cause);
        socket.close();
    }

    private void onError(Throwable error) {
        if (transportError == null && SocketErrors.isTransportError(error)) {
            transportError = error;
        }
        if (failure == null) {
            // a reset or a TLS alert is the peer's doing; anything else was thrown by code of ours
            failure = SocketErrors.isTransportError(error)
                    ? new PeerClosedException("connection error: " + error.getMessage())
                    : error instanceof RuntimeException e ? e : new IllegalStateException(error);
        }
        wait.fail(failure);
    }

    private void onClosed() {
        closed = true;
        wait.cancelTimer();
        if (failure == null) {
            failure = new PeerClosedException("the server closed the connection");
        }
        wait.fail(failure);
    }

}
