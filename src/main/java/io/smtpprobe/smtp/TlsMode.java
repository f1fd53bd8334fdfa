package io.smtpprobe.smtp;

public enum TlsMode {
    /** STARTTLS when the server offers it, plaintext otherwise. */
    Opportunistic,
    /** STARTTLS must be offered and succeed; MAIL FROM never goes out in plaintext. */
    Required,
    Disabled,
    /** TLS from the first byte (submissions port 465). */
    Implicit
}
