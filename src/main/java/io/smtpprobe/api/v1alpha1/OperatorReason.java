package io.smtpprobe.api.v1alpha1;

/**
 * Reasons the operator itself reports, for states where no probe verdict exists. Together with
 * the engine's probe verdicts (core {@code Reason}) this is the complete list of values of
 * {@code .status.reason}, the Ready condition's reason and Event reasons; the names must never
 * collide with the engine's (a unit test guards that).
 */
public enum OperatorReason {
    /** The spec failed validation; the message names the field. No probe runs until it is fixed. */
    InvalidSpec,
    /** Accepted, but no probe has completed for the current generation yet. */
    Pending,
    /** {@code spec.suspend} is true: probing is paused and the last result is kept. */
    Suspended,
    /** The probe runner failed unexpectedly (a bug, not a diagnosis of the mail servers). */
    ProbeError,
    /** Ready is True because every domain's outcome matched {@code spec.expect}, whatever that outcome was. */
    ExpectationMet,
    /** Ready is False because a domain's outcome did not match {@code spec.expect}; the message says expected and got. */
    ExpectationNotMet
}
