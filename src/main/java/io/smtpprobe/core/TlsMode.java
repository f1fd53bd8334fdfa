package io.smtpprobe.core;

public enum TlsMode {
    /**
     * STARTTLS when the server offers it, plaintext otherwise. Like an MTA, a certificate that
     * fails verification is reported but does not fail the probe.
     */
    Opportunistic,
    /**
     * STARTTLS must be offered and succeed with a verified certificate; MAIL FROM never goes out
     * in plaintext.
     */
    Required,
    Disabled,
    /** TLS from the first byte (submissions port 465); the certificate must verify. */
    Implicit
}
