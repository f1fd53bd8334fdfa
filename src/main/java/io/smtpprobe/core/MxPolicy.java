package io.smtpprobe.core;

public enum MxPolicy {
    /** Like an MTA: hosts in preference order until one completes the dialogue. */
    Preferred,
    /** Every MX host is probed and the worst decides. */
    All
}
