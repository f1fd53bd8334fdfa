package io.smtpprobe.api.v1alpha1;

/** {@code spec.mxPolicy}; the field's description in {@link SmtpProbeSpec} explains each value to users. */
public enum MxPolicy {
    Preferred, All
}
