package io.smtpprobe.operator.controller;

/** What became of a status write. */
public enum WriteOutcome {
    /** The API server stored the status. */
    Written,
    /** The status would say nothing new, so it was not sent. */
    Unchanged,
    /** The object changed since it was read (409); the caller retries on the fresh object. */
    Conflict,
    /** The object no longer exists (404). */
    Gone,
    /** A probe found the stored verdict again within the heartbeat (smtpprobe.status-heartbeat), so it was not sent. */
    Confirmed
}
