package io.smtpprobe.core;

/**
 * Why a probe ended where it did. This enum is the single documented list of reasons: the
 * {@code check} command, {@code .status.reason}, the Ready condition, Events and metrics all use
 * these names, so they must stay stable CamelCase identifiers.
 *
 * <p>{@link #replyBased} marks reasons that are a diagnosis of the server's last reply; those are
 * transient when the reply is 4xx. A few reasons are transient whatever was sent, because a sending
 * MTA defers and retries on them (a DNS server that failed or did not answer, RFC 5321 §5.1); every
 * other reason is a hard failure of the probe. {@link #transientWhen()} says which, in words.
 */
public enum Reason {
    Accepted(true, "The server accepted the dialogue: every recipient was accepted."),

    DnsNameNotFound(false, "The domain does not exist (NXDOMAIN): a typo in the domain, or its delegation is broken."),
    DnsNoMailServers(false, "The domain exists but has neither MX nor A/AAAA records: no host can receive its mail."),
    NullMx(false, "The domain publishes a null MX (RFC 7505, 'MX 0 .'): it declares that it accepts no mail."),
    MxHostNotFound(false, "An MX record names a host that has no A/AAAA address: a stale or mistyped MX target."),
    DnsServerFailure(false, true, "The DNS server answered SERVFAIL or REFUSED: broken DNSSEC, a lame delegation or an unreachable authoritative server; a sending MTA defers and retries."),
    DnsTimeout(false, true, "The DNS server did not answer in time: resolver down, or firewall blocking port 53; a sending MTA defers and retries."),

    PolicyBlocked(false, "The egress policy forbids this address or port (loopback, link-local/cloud metadata, cluster ranges or a non-SMTP port); no connection was made."),

    ConnectRefused(false, "The connection was refused: the SMTP service is down, a firewall rejects the port, or a wrong IP or port."),
    ConnectTimeout(false, "The connection timed out: a firewall at either end drops the traffic, the host is down, or outbound port 25 is blocked by the network provider."),
    ConnectFailed(false, "The connection failed (host or network unreachable): routing problem or a wrong IP."),
    BannerTimeout(false, "The server accepted the connection but sent no 220 greeting in time: overloaded, a tarpit, or a middlebox swallowing SMTP."),
    ServiceNotAvailable(true, "The server refused service to this client, at the greeting, by closing the connection or by naming this client's IP as refused: overloaded, shutting down, or this client's IP is blocklisted or has no reverse DNS."),

    InvalidHeloName(true, "The server rejected the EHLO/HELO name, in its reply to EHLO/HELO or later as a HELO restriction: use a fully qualified host name that resolves, forward and reverse."),
    CommandUnrecognized(true, "The server did not recognise or implement a command: not an SMTP server, or a filtering middlebox."),

    StartTlsNotOffered(false, "TLS is required but the server did not offer STARTTLS (or a middlebox stripped it)."),
    TlsHandshakeFailed(false, "The TLS handshake failed: no shared protocol or cipher, or the server closed the connection."),
    CertificateExpired(false, "The server's certificate has expired or is not yet valid."),
    CertificateUntrusted(false, "The server's certificate does not chain to a trusted CA (self-signed or missing intermediate)."),
    CertificateNameMismatch(false, "The server's certificate does not name the MX host: wrong certificate installed or MX points at a shared host."),

    AuthenticationRequired(true, "The server demands a login that did not take place: it requires authentication, or TLS before it (a submission server, not an MX, or the sender must log in), or credentials were given but the server advertises no AUTH mechanism the probe speaks (PLAIN, LOGIN) on this connection."),
    AuthenticationFailed(true, "The server refused the login: wrong user name or password, a mechanism it deems too weak or wants encrypted, or its authentication backend failed for now (transient)."),
    SenderRejected(true, "The sender address was rejected, at MAIL FROM or, delayed, at RCPT TO: invalid or unverifiable sender domain, or sender policy."),
    RecipientUnknown(true, "The recipient does not exist or its mailbox is disabled: typo in the address, or the mailbox was removed."),
    RelayDenied(true, "The server refused to relay: it is not responsible for this domain, or MX records point at the wrong server."),
    MailboxFull(true, "The recipient's mailbox is full or over quota."),
    Greylisted(true, "The server greylisted the attempt: a real MTA retries later and gets through."),
    TemporaryFailure(true, "The server answered with a transient 4xx failure: retry later."),
    PermanentFailure(true, "The server answered with a permanent 5xx failure not covered by a more specific reason."),
    MessageRejected(true, "The server rejected the message: content filter, size limit (also refused at MAIL FROM for its announced size) or policy."),

    ProtocolViolation(false, "The server broke the SMTP protocol: garbage reply codes, overlong lines, endless replies, or data injected around STARTTLS."),
    ConnectionClosed(false, "The server closed the connection in the middle of the dialogue."),
    CommandTimeout(false, "The server did not complete a reply in time: overloaded, tarpitting, or sending too slowly."),

    // Kept last: the verdict vocabulary lists the server's failures first, then the probe's own.
    InternalError(false, "The probe itself failed (a bug in smtp-probe-operator, not the server's fault): the detail names the error; please report it."),

    // Added after InternalError so that no existing constant moves.
    NullMxMisconfigured(false, "The domain publishes a null MX ('MX 0 .') beside other MX records: RFC 7505 forbids mixing them, so senders disagree on whether it takes mail; remove one or the other."),

    // Added at the end so that no existing constant moves.
    EgressBlocked(false, true, "Our side, not the server's: the connection failed and the configured control target is unreachable too, so outbound SMTP is blocked (many cloud providers block port 25) or the network is down; the detail names the control target and its failure."),
    SmtpUtf8NotOffered(false, "An address is not ASCII (an internationalised local part, RFC 6531) but the server does not offer SMTPUTF8: it cannot take this mail; the probe stopped before MAIL FROM and sent nothing non-ASCII."),
    CommandTooLong(false, "A command would exceed RFC 5321's 512-octet line limit (an address or EHLO name far too long): the probe refused to send it and made no connection."),
    RunDeadlineExceeded(false, true, "The whole probe run reached its deadline (timeouts.run, --run-timeout) before this domain had a verdict: a tarpit, many slow MX hosts, or a deadline too short for them; the servers tried so far are kept, the next run tries again."),

    // Transport security (MTA-STS, DANE), added at the end so that no existing constant moves. The
    // MTA-STS fetch and policy reasons describe the domain's transportSecurity block only: without a
    // usable policy a sending MTA delivers as if there were none, so they never decide a domain.
    MtaStsFetchFailed(false, "The MTA-STS policy could not be fetched from https://mta-sts.DOMAIN/.well-known/mta-sts.txt (no such host, refused, timed out, not 200, a redirect, not text/plain or over 64 KiB): senders treat the domain as having no policy, so its TLS is not enforced."),
    MtaStsWebPkiInvalid(false, "The HTTPS certificate of the MTA-STS policy host is not valid (untrusted, expired, or does not name mta-sts.DOMAIN): senders ignore the policy, so the domain's TLS is not enforced."),
    MtaStsPolicyInvalid(false, "The MTA-STS TXT record or policy file is malformed (wrong version, unknown mode, no mx line, max_age out of range, several STS records): senders ignore it."),
    MtaStsMxMismatch(false, "Under the domain's MTA-STS enforce policy an MX host matches none of the policy's mx patterns: senders refuse to deliver to it; add the host to the policy or fix the MX record."),
    MtaStsTlsFailed(false, "Under the domain's MTA-STS enforce policy the server did not offer STARTTLS, its handshake failed, or its certificate is expired, untrusted or does not name the MX host: senders refuse to deliver; the result type says which."),
    DaneDnssecBogus(false, true, "The MX host's TLSA records failed DNSSEC validation (bogus signature, expired RRSIG, wrong key): DANE senders defer delivery to it until the zone validates."),
    DaneNoMatch(false, "The MX host publishes usable DANE TLSA records but its certificate chain matches none of them, or it offered no TLS: DANE senders refuse to deliver; update the TLSA records or the certificate.");

    private final boolean replyBased;
    private final boolean alwaysTransient;
    private final String explanation;

    Reason(boolean replyBased, String explanation) {
        this(replyBased, false, explanation);
    }

    Reason(boolean replyBased, boolean alwaysTransient, String explanation) {
        this.replyBased = replyBased;
        this.alwaysTransient = alwaysTransient;
        this.explanation = explanation;
    }

    /** When a result with this reason is a {@link Outcome#TransientFailure}, as the README's reasons table says it. */
    public String transientWhen() {
        if (this == Accepted) {
            return "—";
        }
        if (alwaysTransient) {
            return "always";
        }
        return replyBased ? "reply is 4xx" : "never";
    }

    /** True when the reason is a diagnosis of a server reply, so the reply's class decides transience. */
    public boolean replyBased() {
        return replyBased;
    }

    /** One human line with the likely causes, as the manual procedure's "possible reasons". */
    public String explanation() {
        return explanation;
    }

    /**
     * Transient when the server itself said 4xx, or when DNS failed in a way an MTA retries; an SMTP
     * timeout or refused connection is reported as a failure because nothing in SMTP tells the probe
     * it will go away.
     */
    public Outcome outcome(Reply lastReply) {
        if (this == Accepted) {
            return Outcome.Success;
        }
        if (alwaysTransient) {
            return Outcome.TransientFailure;
        }
        if (replyBased && lastReply != null && lastReply.code() / 100 == 4) {
            return Outcome.TransientFailure;
        }
        return Outcome.PermanentFailure;
    }
}
