package io.smtpprobe.operator.sharding;

/** Which resources this replica probes and writes status for; asked before each probe and each status write. */
@FunctionalInterface
public interface Ownership {
    /** Without sharding: every resource (the single Lease of leader election decides whether to probe at all). */
    Ownership ALL = uid -> true;

    boolean owns(String uid);
}
