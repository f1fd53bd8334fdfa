package io.smtpprobe.api.v1alpha1;

/** {@code spec.auth.mechanism}: the SASL mechanisms a submission probe speaks. */
public enum AuthMechanism {
    PLAIN,
    LOGIN
}
