package io.smtpprobe.api.v1alpha1;

/** {@code spec.tls}; the field's description in {@link SmtpProbeSpec} explains each value to users. */
public enum TlsMode {
    Opportunistic, Required, Disabled, Implicit
}
