package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Limits;
import io.smtpprobe.core.Reply;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * What the server's bytes mean for a client that never pipelines: the input side of
 * {@link SmtpConnection}, without the socket. Exactly one reply is due after the connection opens
 * (the banner) and after each command; a reply is only ever paired with the command that is
 * outstanding. Any reply bytes while nothing is due (between commands, a second reply, or part of
 * one in the same read as the due reply) are a {@link ProtocolViolationException}: the stream can no
 * longer be trusted, and a later reply is never taken for the answer to the next command. With
 * PIPELINING (RFC 2920) several replies would be due at once and a queue of outstanding commands
 * would be needed instead of one flag. After the reply to QUIT ({@link #finish()}) the session is
 * over: whatever else the server sends is discarded unread.
 */
final class ReplyPairing {

    private final ReplyParser parser;
    private final Transcript transcript;
    /** True from the moment a reply is due (banner, or a command being sent) until it arrived. */
    private boolean replyDue = true;
    /** The verb of the outstanding command, for the messages ("the banner" before any). */
    private String awaitedFor = "the banner";
    /** Set after QUIT's reply: further input is discarded, never paired. */
    private boolean finished;
    /** The first unsolicited input, if any: the server's replies are out of step with our commands. */
    private ProtocolViolationException outOfStep;
    /** Set while implicit TLS is being negotiated: no SMTP byte may arrive in plaintext. */
    private boolean beforeTls;
    /** What a server sent in plaintext where the TLS handshake was due; null when it did not. */
    private String plaintextBeforeTls;

    ReplyPairing(Limits limits, Transcript transcript) {
        this.parser = new ReplyParser(limits);
        this.transcript = transcript;
    }

    /** One reply is due, for the command {@code what}; marked before its bytes are written. */
    void expectReply(String what) {
        replyDue = true;
        awaitedFor = what;
    }

    /** Implicit TLS: no plaintext byte may arrive until {@link #tlsEstablished()}. */
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

    /** The session is over (QUIT was answered): input from now on is discarded, never paired. */
    void finish() {
        finished = true;
        replyDue = false;
    }

    ProtocolViolationException outOfStep() {
        return outOfStep;
    }

    String plaintextBeforeTls() {
        return plaintextBeforeTls;
    }

    boolean hasPartialReply() {
        return parser.hasPartialReply();
    }

    /**
     * Judges one read: the due reply it completes, or null while the reply is still partial (or the
     * session is over). Everything of the read is judged before the reply is handed out: handing it
     * out runs the next step at once, which would send the next command and take an extra reply for
     * its answer.
     *
     * @param overTls whether the socket already speaks TLS (bytes before the implicit handshake did not)
     * @throws ProtocolViolationException when the read holds bytes no command asked for
     */
    Reply accept(Buffer data, boolean overTls) {
        if (finished) {
            return null;
        }
        if (beforeTls) {
            if (!overTls) {
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
        Reply due = null;
        if (!replies.isEmpty()) {
            due = replies.get(0);
            transcript.server(due);
            replyDue = false;
            // the session ends with QUIT's reply; whatever came with it is discarded, not judged
            finished = "QUIT".equalsIgnoreCase(awaitedFor);
        }
        if (finished) {
            return due;
        }
        if (replies.size() > 1) {
            transcript.server(replies.get(1));
            throw unsolicited((replies.size() - 1) + (replies.size() == 2 ? " more reply" : " more replies")
                    + " after the reply to " + awaitedFor);
        } else if (due != null && parser.hasPartialReply()) {
            throw unsolicited("more bytes after the reply to " + awaitedFor);
        }
        return due;
    }

    private ProtocolViolationException unsolicited(String where) {
        ProtocolViolationException e = new ProtocolViolationException(
                "server sent a reply no command asked for: " + where
                        + ("STARTTLS".equalsIgnoreCase(awaitedFor)
                                ? " (plaintext injected after STARTTLS, the CVE-2011-0411 command injection)" : ""));
        outOfStep = e;
        return e;
    }
}
