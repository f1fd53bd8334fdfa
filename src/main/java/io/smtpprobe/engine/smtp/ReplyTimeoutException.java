package io.smtpprobe.engine.smtp;

import java.time.Duration;

/** No complete reply within the per-command deadline. */
final class ReplyTimeoutException extends RuntimeException {
    ReplyTimeoutException(Duration timeout) {
        super("no complete reply within " + timeout.toMillis() + " ms", null, false, false);
    }
}
