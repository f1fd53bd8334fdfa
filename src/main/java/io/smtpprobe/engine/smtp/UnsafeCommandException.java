package io.smtpprobe.engine.smtp;

/**
 * The probe refused to put a command on the wire (a control character, non-ASCII without
 * SMTPUTF8): the validator should have refused such input, so it is our failure, never the server's.
 */
final class UnsafeCommandException extends RuntimeException {
    UnsafeCommandException(String message) {
        super(message, null, false, false);
    }
}
