package io.smtpprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.domains) && size(self.domains) > 0) || (has(self.servers) && size(self.servers) > 0)",
        message = "at least one of spec.domains or spec.servers must be set")
@ValidationRule(value = "(has(self.domains) && size(self.domains) > 0) || (has(self.rcptTo) && size(self.rcptTo) > 0)",
        message = "spec.rcptTo is required when spec.domains is empty")
public class SmtpProbeSpec {
    /** The shortest interval: the CRD's CEL rule, and the operator's default {@code smtpprobe.min-interval}. */
    public static final String MIN_INTERVAL = "30s";


    @JsonPropertyDescription("Mail domains to probe (1..100 DNS names, internationalised names accepted). Each is resolved "
            + "through MX (falling back to the domain's own address) and its mail servers are probed.")
    @Size(max = 100)
    private List<@Size(min = 1, max = 254) @Pattern(WireText.DOMAIN) String> domains;

    @JsonPropertyDescription("Servers to probe directly as HOST, HOST:PORT or [IPv6]:PORT, skipping the MX lookup. "
            + "When domains are set too, they only name the default recipient postmaster@DOMAIN.")
    @Size(max = 100)
    private List<@Size(min = 1, max = 261) @Pattern(WireText.SERVER) String> servers;

    @JsonPropertyDescription("TCP port of the mail servers when a server entry does not name one.")
    @Min(1)
    @Max(65535)
    @Default("25")
    private Integer port;

    @JsonPropertyDescription("Preferred: like an MTA, try MX hosts in preference order until one completes the dialogue. "
            + "All: probe every MX host; the worst decides.")
    @Default("Preferred")
    private MxPolicy mxPolicy;

    @JsonPropertyDescription("Evaluate: judge each domain's MTA-STS policy, DANE TLSA records and TLS-RPT record as a "
            + "sending MTA would, reported in status.domains[].transportSecurity and the TransportSecure condition; with "
            + "an MTA-STS enforce policy or usable DANE records a TLS validation failure fails the domain. "
            + "Ignore: no lookups, no policy fetch.")
    @Default("Evaluate")
    private TransportSecurityMode transportSecurity;

    @JsonPropertyDescription("Name sent with EHLO/HELO. Defaults to the operator's configured name; should be a fully "
            + "qualified host name that resolves, or strict servers reject it.")
    @Size(max = 254)
    @Pattern(WireText.EHLO_NAME)
    private String ehloName;

    @JsonPropertyDescription("Reverse path for MAIL FROM, without angle brackets. Empty means the null sender <>. "
            + "A non-ASCII local part is sent only with SMTPUTF8; RFC 5321 limits: local part 64 octets, path 256.")
    @Size(max = 254)
    @Pattern(WireText.REVERSE_PATH)
    @ValidationRule(value = WireText.LOCAL_PART_OCTETS_OF_SELF, message = WireText.LOCAL_PART_OCTETS_MESSAGE)
    private String mailFrom;

    @JsonPropertyDescription("Recipients for RCPT TO, without angle brackets. Empty means postmaster@DOMAIN for each domain. "
            + "{random} in a local part is replaced by a fresh random token of 16 [a-z0-9] on every probe, e.g. "
            + "{random}@example.test with expect.reasons [RecipientUnknown] checks that made-up mailboxes are refused. "
            + "A non-ASCII local part is sent only with SMTPUTF8; RFC 5321 limits: local part 64 octets, path 256.")
    @Size(max = 10)
    @ValidationRule(value = "self.all(r, " + WireText.LOCAL_PART_OCTETS_OF_R + ")", message = WireText.LOCAL_PART_OCTETS_MESSAGE)
    private List<@Size(min = 1, max = 254) @Pattern(WireText.MAILBOX) String> rcptTo;

    @JsonPropertyDescription("RFC 3461 NOTIFY for RCPT TO (sent only when the server offers DSN): any of SUCCESS, FAILURE, "
            + "DELAY, or NEVER alone. Empty sends no NOTIFY parameter.")
    @Size(max = 3)
    @ValidationRule(value = "!self.exists(n, n == 'NEVER') || size(self) == 1", message = "NEVER excludes the other NOTIFY values")
    private List<Notify> notify;

    @JsonPropertyDescription("Opportunistic: STARTTLS when offered; like an MTA, a bad certificate is reported but does not "
            + "fail the probe. Required: STARTTLS must be offered and succeed with a valid certificate, and MAIL FROM is "
            + "never sent in plaintext. Disabled: plaintext only. Implicit: TLS from the first byte (port 465).")
    @Default("Opportunistic")
    private TlsMode tls;

    @JsonPropertyDescription("With Required or Implicit TLS, accept untrusted, expired or mismatched certificates. "
            + "The certificate is still reported in status.")
    @Default("false")
    private Boolean insecureSkipVerify;

    @JsonPropertyDescription("When set, the probe also sends DATA with this message after the recipients were accepted. "
            + "Without it the dialogue ends before DATA and no mail is delivered.")
    private MessageData data;

    @JsonPropertyDescription("How often to probe, e.g. 30s, 5m, 1h30m. The minimum is 30s.")
    @Pattern(WireText.DURATION)
    @Size(max = 32)
    @Default("5m")
    @ValidationRule(value = "duration(self) >= duration('" + MIN_INTERVAL + "')", message = "interval must be at least " + MIN_INTERVAL)
    private String interval;

    @JsonPropertyDescription("How long to wait before trying a greylisted server once more, on a new connection, as a sending "
            + "MTA does, e.g. 5m; 0s never retries. Unset: the operator's default (5m). A delay longer than the interval "
            + "is shortened to the interval; the probe keeps its slot of the operator's concurrent probes while it waits.")
    @Pattern(WireText.DURATION)
    @Size(max = 32)
    private String greylistRetry;

    @JsonPropertyDescription("Deadlines of the dialogue.")
    private ProbeTimeouts timeouts;

    @JsonPropertyDescription("What a healthy answer is, when it is a refusal: Ready is True when every domain's outcome "
            + "matches (reasons, code and enhancedCode that are set must all hold), while result and reason still say "
            + "what happened. Without it, Ready is True when every domain accepted the dialogue.")
    private Expect expect;

    @JsonPropertyDescription("Log in before MAIL FROM (AUTH PLAIN or LOGIN, only over TLS unless allowPlaintext), as "
            + "a mail client does at a submission service (port 587 with STARTTLS, 465 with implicit TLS).")
    private ProbeAuth auth;

    @JsonPropertyDescription("Pause probing; the last status is kept.")
    @Default("false")
    private Boolean suspend;

    public List<String> getDomains() {
        return domains;
    }

    public void setDomains(List<String> domains) {
        this.domains = domains;
    }

    public List<String> getServers() {
        return servers;
    }

    public void setServers(List<String> servers) {
        this.servers = servers;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public MxPolicy getMxPolicy() {
        return mxPolicy;
    }

    public void setMxPolicy(MxPolicy mxPolicy) {
        this.mxPolicy = mxPolicy;
    }

    public TransportSecurityMode getTransportSecurity() {
        return transportSecurity;
    }

    public void setTransportSecurity(TransportSecurityMode transportSecurity) {
        this.transportSecurity = transportSecurity;
    }

    public String getEhloName() {
        return ehloName;
    }

    public void setEhloName(String ehloName) {
        this.ehloName = ehloName;
    }

    public String getMailFrom() {
        return mailFrom;
    }

    public void setMailFrom(String mailFrom) {
        this.mailFrom = mailFrom;
    }

    public List<String> getRcptTo() {
        return rcptTo;
    }

    public void setRcptTo(List<String> rcptTo) {
        this.rcptTo = rcptTo;
    }

    public List<Notify> getNotify() {
        return notify;
    }

    public void setNotify(List<Notify> notify) {
        this.notify = notify;
    }

    public TlsMode getTls() {
        return tls;
    }

    public void setTls(TlsMode tls) {
        this.tls = tls;
    }

    public Boolean getInsecureSkipVerify() {
        return insecureSkipVerify;
    }

    public void setInsecureSkipVerify(Boolean insecureSkipVerify) {
        this.insecureSkipVerify = insecureSkipVerify;
    }

    public MessageData getData() {
        return data;
    }

    public void setData(MessageData data) {
        this.data = data;
    }

    public String getInterval() {
        return interval;
    }

    public void setInterval(String interval) {
        this.interval = interval;
    }

    public String getGreylistRetry() {
        return greylistRetry;
    }

    public void setGreylistRetry(String greylistRetry) {
        this.greylistRetry = greylistRetry;
    }

    public ProbeTimeouts getTimeouts() {
        return timeouts;
    }

    public void setTimeouts(ProbeTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    public Expect getExpect() {
        return expect;
    }

    public void setExpect(Expect expect) {
        this.expect = expect;
    }

    public Boolean getSuspend() {
        return suspend;
    }

    public void setSuspend(Boolean suspend) {
        this.suspend = suspend;
    }

    public ProbeAuth getAuth() {
        return auth;
    }

    public void setAuth(ProbeAuth auth) {
        this.auth = auth;
    }
}
