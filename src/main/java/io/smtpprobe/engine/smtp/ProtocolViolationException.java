package io.smtpprobe.engine.smtp;

/** The server broke the reply syntax or a {@link Limits} cap; the message is safe to show. */
public class ProtocolViolationException extends RuntimeException {
    public ProtocolViolationException(String message) {
        super(message, null, false, false);
    }
}
