package io.smtpprobe.api.v1alpha1;

/** {@code spec.notify}: the RFC 3461 NOTIFY keywords, spelled as they go on the wire. */
public enum Notify {
    SUCCESS, FAILURE, DELAY, NEVER
}
