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
    /** MxConsistent True: no backup MX accepted what a more preferred MX of the same domain rejected. */
    BackupMxAgrees,
    /** MxConsistent False: a backup MX accepts what a preferred MX rejects permanently, a backscatter path. */
    BackupMxAcceptsRejected,
    /** MxConsistent Unknown: this probe had no two MX hosts of different preference answer the envelope. */
    BackupMxNotCompared,
    /** CertificateExpiringSoon True (and its Event): a reached server's certificate ends within the warning period. */
    CertificateExpiringSoon,
    /** CertificateExpiringSoon False: every certificate seen is valid for longer than the warning period. */
    CertificatesNotExpiringSoon,
    /** CertificateExpiringSoon Unknown: this probe saw no certificate (TLS not reached or not offered). */
    NoCertificateSeen,
    /** Event: a server's certificate differs from the one the previous probe recorded for the same host and port. */
    CertificateChanged,
    /** Ready is True because every domain's outcome matched {@code spec.expect}, whatever that outcome was. */
    ExpectationMet,
    /** Ready is False because a domain's outcome did not match {@code spec.expect}; the message says expected and got. */
    ExpectationNotMet,
    /**
     * Ready is False: {@code spec.auth.secretRef} could not be used (RBAC forbids reading Secrets, the
     * Secret or one of its keys is missing, or a value is unusable); no probe ran. Never quotes a value.
     */
    AuthSecretUnavailable,
    /** TransportSecure True: every domain has an MTA-STS (enforce or testing) or DANE policy, and every MX host meets it. */
    TransportPolicyMet,
    /** TransportSecure False: a domain's MTA-STS or DANE policy fails (enforced or testing), or cannot be fetched or parsed. */
    TransportPolicyFailed,
    /** TransportSecure False: a domain publishes no usable MTA-STS or DANE policy (or mode none): senders use TLS only opportunistically. */
    NoTransportPolicy
}
