package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.Limits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.List;

/**
 * One SMTP client connection without pipelining: at most one reply is awaited at a time, and that
 * promise is failed explicitly when the socket closes or errors so no caller ever waits for a
 * timer to notice a dead peer. All methods run on the socket's event loop.
 *
 * <p><b>Strict reply pairing.</b> Exactly one reply is due after the connection opens (the banner)
 * and after each command; a reply is only ever paired with the command that is outstanding. Any
 * reply bytes that arrive while nothing is due (between commands, or a second reply, or part of
 * one, in the same read as the due reply) are a {@link ProtocolViolationException}: the stream
 * can no longer be trusted, so the connection fails and is closed, and a later reply is never
 * taken for the answer to the next command. This holds because the probe never pipelines
 * (RFC 2920): with PIPELINING several replies would be due at once and a queue of outstanding
 * commands would be needed instead of one flag. After the reply to QUIT ({@link #finish()}) the
 * session is over: whatever else the server sends is discarded unread and never paired.
 */
final class SmtpConnection {

    private final NetSocket socket;
    private final ReplyParser parser;
    private final Transcript transcript;
    /** True from the moment a reply is due (banner, or a command being sent) until it arrived. */
    private boolean replyDue = true;
    /** The reply that arrived before {@link #readReply} asked for it; at most one. */
    private Reply ready;
    /** The verb of the outstanding command, for the messages ("the banner" before any). */
    private String awaitedFor = "the banner";
    /** Set after QUIT's reply: further input is discarded, never paired. */
    private boolean finished;
    /** The first unsolicited input, if any: the server's replies are out of step with our commands. */
    private ProtocolViolationException outOfStep;
    private final ReplyWait wait;
    private RuntimeException failure;
    private boolean closed;
    /** Set while implicit TLS is being negotiated: no SMTP byte may arrive in plaintext. */
    private boolean beforeTls;
    /** What a server sent in plaintext where the TLS handshake was due; null when it did not. */
    private String plaintextBeforeTls;
    /** The socket's own error (a reset, say), kept because a failed handshake only reports the close it caused. */
    private Throwable transportError;
    /** UTF-8 in commands only after the server offered SMTPUTF8 and MAIL FROM asked for it (RFC 6531). */
    private boolean utf8Allowed;

    SmtpConnection(Vertx vertx, NetSocket socket, Limits limits, Transcript transcript) {
        this.socket = socket;
        this.parser = new ReplyParser(limits);
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
        replyDue = true;
        awaitedFor = what;
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
        beforeTls = true;
        replyDue = false;
        awaitedFor = "the TLS handshake";
    }

    /** The handshake of implicit TLS completed: the banner is due, over TLS. */
    void tlsEstablished() {
        beforeTls = false;
        expectReply("the banner");
    }

    /** The first reset, broken pipe or TLS error the socket reported, or null. */
    Throwable transportError() {
        return transportError;
    }

    /** The start of what the server sent in plaintext instead of a TLS handshake, or null. */
    String plaintextBeforeTls() {
        return plaintextBeforeTls;
    }

    /** The session is over (QUIT was answered): input from now on is discarded, never paired. */
    void finish() {
        finished = true;
        replyDue = false;
    }

    /** Why the reply stream went out of step with the commands, or null while it is in step. */
    ProtocolViolationException outOfStep() {
        return outOfStep;
    }

    /** Writes raw protocol text (the message after DATA); the caller made it safe. */
    Future<Void> write(String text, String shown) {
        if (failure != null) {
            return Future.failedFuture(failure);
        }
        transcript.client(shown);
        return socket.write(Buffer.buffer(text)).recover(error -> Future.failedFuture(
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
        return ready != null || outOfStep != null || parser.hasPartialReply();
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
        if (finished) {
            return;
        }
        Reply due = null;
        try {
            if (beforeTls) {
                if (!socket.isSsl()) {
                    plaintextBeforeTls = data.getString(0, Math.min(data.length(), 40), "ISO-8859-1");
                    throw new ProtocolViolationException("the server sent plaintext where the TLS handshake was due");
                }
                // Decrypted by the TLS handler, so the handshake is done: the banner merely came before
                // the upgrade's completion reached tlsEstablished()
                tlsEstablished();
            }
            if (!replyDue) {
                // not even a partial reply may arrive while no command is outstanding
                throw unsolicited("between commands (after the reply to " + awaitedFor + ")");
            }
            List<Reply> replies = parser.feed(data);
            if (!replies.isEmpty()) {
                due = replies.get(0);
                transcript.server(due);
                replyDue = false;
                // the session ends with QUIT's reply
                finished = "QUIT".equalsIgnoreCase(awaitedFor);
            }
            // Everything of this read is judged before the reply is handed out: handing it out runs
            // the next step at once, which would send the next command and take the extra reply
            // for its answer.
            if (finished) {
                // QUIT was answered: whatever came with its reply is discarded, not judged
                replies = List.of();
            }
            if (replies.size() > 1) {
                transcript.server(replies.get(1));
                throw unsolicited((replies.size() - 1) + (replies.size() == 2 ? " more reply" : " more replies")
                        + " after the reply to " + awaitedFor);
            } else if (due != null && !finished && parser.hasPartialReply()) {
                throw unsolicited("more bytes after the reply to " + awaitedFor);
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
        if (due == null) {
            return;
        }
        if (wait.active()) {
            wait.complete(due);
        } else {
            ready = due;
        }
    }

    private ProtocolViolationException unsolicited(String where) {
        ProtocolViolationException e = new ProtocolViolationException(
                "server sent a reply no command asked for: " + where
                        + ("STARTTLS".equalsIgnoreCase(awaitedFor)
                                ? " (plaintext injected after STARTTLS, the CVE-2011-0411 command injection)" : ""));
        outOfStep = e;
        return e;
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
