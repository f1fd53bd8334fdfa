package io.smtpprobe.core;

/** A verdict for a server, a domain or a whole run, ordered from best to worst. */
public enum Outcome {
    Success, TransientFailure, PermanentFailure;

    public Outcome worst(Outcome other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
