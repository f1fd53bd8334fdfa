package io.smtpprobe.core;

/** Whether a probe judges the domains' MTA-STS, DANE and TLS-RPT ({@code spec.transportSecurity}, {@code --transport-security}). */
public enum TransportSecurityMode {
    /** Look up and judge the policies; an enforced failure fails the domain. */
    Evaluate,
    /** Do not look: no lookups, no policy fetch, no transportSecurity block. */
    Ignore
}
