package io.smtpprobe.engine.smtp;

/** The peer closed or reset the connection. */
final class PeerClosedException extends RuntimeException {
    PeerClosedException(String message) {
        super(message, null, false, false);
    }
}
