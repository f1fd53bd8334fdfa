package io.smtpprobe.core;

/** How a lookup ended; the distinctions are the ones a mail admin needs to act on. */
public enum DnsStatus {
    /** Answer with records. */
    Ok,
    /** RFC 7505 "MX 0 ." — the domain accepts no mail. */
    NullMx,
    /** NXDOMAIN. */
    NameNotFound,
    /** The name exists but has no records of the asked type (NODATA), and no implicit MX either. */
    NoData,
    /** SERVFAIL, REFUSED or an unusable answer. */
    ServerFailure,
    Timeout,
    /** A null MX beside other MX records (RFC 7505 §3 forbids it): a misconfiguration, not probed. */
    NullMxMixed
}
