package io.smtpprobe.engine.smtp;

/** The run this dialogue belonged to was cancelled: its result is discarded, so no reply is awaited any longer. */
final class ProbeCancelledException extends RuntimeException {
    ProbeCancelledException() {
        super("the probe run was cancelled", null, false, false);
    }
}
