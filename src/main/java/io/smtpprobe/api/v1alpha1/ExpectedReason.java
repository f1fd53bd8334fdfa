package io.smtpprobe.api.v1alpha1;

/**
 * {@code spec.expect.reasons}: the probe verdicts by the names {@code .status.reason} uses, so the
 * CRD refuses a misspelt one at {@code kubectl apply}. The API may not depend on the engine, so the
 * names are listed again here; ExpectedReasonTest keeps them equal to the engine's, in its order.
 */
public enum ExpectedReason {
    Accepted, DnsNameNotFound, DnsNoMailServers, NullMx, MxHostNotFound, DnsServerFailure,
    DnsTimeout, PolicyBlocked, ConnectRefused, ConnectTimeout, ConnectFailed, BannerTimeout,
    ServiceNotAvailable, InvalidHeloName, CommandUnrecognized, StartTlsNotOffered, TlsHandshakeFailed, CertificateExpired,
    CertificateUntrusted, CertificateNameMismatch, AuthenticationRequired, AuthenticationFailed, SenderRejected, RecipientUnknown,
    RelayDenied, MailboxFull, Greylisted, TemporaryFailure, PermanentFailure, MessageRejected,
    ProtocolViolation, ConnectionClosed, CommandTimeout, InternalError, NullMxMisconfigured, EgressBlocked,
    SmtpUtf8NotOffered, CommandTooLong, RunDeadlineExceeded,
    MtaStsFetchFailed, MtaStsWebPkiInvalid, MtaStsPolicyInvalid, MtaStsMxMismatch, MtaStsTlsFailed, DaneDnssecBogus,
    DaneNoMatch
}
