package io.smtpprobe.api.v1alpha1;

/**
 * {@code .status.result} and each domain's {@code result}: part of the v1alpha1 schema, so its
 * values change only with a new CRD version, whatever the engine calls its verdicts.
 */
public enum Outcome {
    Success,
    /** A 4xx reply: a real MTA would retry and may get through. */
    TransientFailure,
    PermanentFailure
}
