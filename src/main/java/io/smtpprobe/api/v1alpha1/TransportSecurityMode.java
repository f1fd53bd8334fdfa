package io.smtpprobe.api.v1alpha1;

/** {@code spec.transportSecurity}; the field's description in {@link SmtpProbeSpec} explains each value to users. */
public enum TransportSecurityMode {
    Evaluate, Ignore
}
