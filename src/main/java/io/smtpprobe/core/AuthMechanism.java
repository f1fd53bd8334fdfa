package io.smtpprobe.core;

/** The SASL mechanisms the probe speaks (RFC 4616 PLAIN, and the de-facto LOGIN); both need TLS. */
public enum AuthMechanism {
    PLAIN,
    LOGIN
}
