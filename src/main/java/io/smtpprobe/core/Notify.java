package io.smtpprobe.core;

/** RFC 3461 NOTIFY keywords for RCPT TO. NEVER excludes the others. */
public enum Notify {
    SUCCESS, FAILURE, DELAY, NEVER
}
